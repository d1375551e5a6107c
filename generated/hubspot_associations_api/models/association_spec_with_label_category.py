from enum import StrEnum


class AssociationSpecWithLabelCategory(StrEnum):
    HUBSPOT_DEFINED = "HUBSPOT_DEFINED"
    INTEGRATOR_DEFINED = "INTEGRATOR_DEFINED"
    USER_DEFINED = "USER_DEFINED"
    WORK = "WORK"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        """False for a value that HubSpot added after this client was generated."""
        return self._value_ in type(self)._value2member_map_

    @classmethod
    def _missing_(cls, value: object) -> "AssociationSpecWithLabelCategory | None":
        # hubspot-associations template: HubSpot adds enum values without notice (WORK in 2026), so an unknown
        # string becomes a member that is not listed above instead of a ValueError that loses the response.
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member
