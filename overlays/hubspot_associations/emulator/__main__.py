"""Entry point for ``python -m hubspot_associations.emulator``."""

from ._command import main

__all__: list[str] = []

raise SystemExit(main())
