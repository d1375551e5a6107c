"""Benchmarks of hubspot_associations against raw httpx and HubSpot's official client (``make bench``)."""
