"""What the write benchmarks make their lab requests of: active patients, an active doctor
and single (not panel) investigations of the database being measured."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMaterial:
    patients: list[int]
    doctor: int
    investigations: list[int]

    def create_request(self, patient: int) -> int:
        """A new request of ``patient`` for every investigation; returns its id."""
        from ..services import requests

        draft = requests.RequestDraft(
            patient_id=patient, doctor_id=self.doctor, investigation_ids=self.investigations
        )
        request_id, _number = requests.create(draft)
        return request_id


def request_material(patients: int, investigations: int) -> RequestMaterial:
    """Up to ``patients`` active patients, the first active doctor and up to
    ``investigations`` active single investigations."""
    from ..db.models import Customer, Investigation, Referrer

    patient_ids = [
        c.id
        for c in Customer.select(Customer.id)
        .where((Customer.active == True) & (Customer.type == "cliente"))  # noqa: E712
        .limit(patients)
    ]
    doctor = Referrer.select(Referrer.id).where(Referrer.active == True).first().id  # noqa: E712
    singles = [
        i.id
        for i in Investigation.select(Investigation.id)
        .where((Investigation.active == True) & (Investigation.is_panel == False))  # noqa: E712
        .limit(investigations)
    ]
    return RequestMaterial(patient_ids, doctor, singles)
