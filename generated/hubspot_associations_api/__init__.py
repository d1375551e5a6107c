"""A client library for accessing HubSpot CRM Associations v4 (create)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
