"""Entry point for ``python -m hubspot_associations.emulator``."""

from ._command import main

raise SystemExit(main())
