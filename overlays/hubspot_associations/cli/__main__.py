"""``python -m hubspot_associations.cli``: the same as the ``hubspot-associations`` command."""

from . import main

__all__: list[str] = []

main()
