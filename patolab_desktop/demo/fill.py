"""Realistic synthetic Honduran data for demos and benchmarks (deterministic by seed)."""

from __future__ import annotations

import random
from collections.abc import Callable


def seed_demo(
    customers: int = 2000,
    requests: int | None = None,
    seed: int = 2026,
    progress: Callable[[str], None] | None = None,
) -> str:
    from ..services.access import audit, session
    from . import catalog as demo_catalog
    from . import customers as demo_customers
    from . import requests as demo_requests

    session.require("imports.run")  # callers act as session.system_actor("demo")
    progress = progress or (lambda _text: None)
    rng = random.Random(seed)
    if requests is None:
        requests = min(customers * 2, 4000)
    made_catalog = demo_catalog.seed_catalog_and_referrers(rng, progress)
    made_customers = demo_customers.generate(customers, rng, progress)
    made_requests = demo_requests.generate(requests, rng, progress)
    from .billing import seed_billing

    made_invoices = seed_billing(rng, progress, invoices=min(25, made_requests // 4))
    audit.record(
        "import",
        "database",
        None,
        detail=(f"datos de demostración: {made_customers} clientes, {made_requests} solicitudes"),
    )
    return (
        f"Datos de demostración: {made_customers} clientes, {made_catalog}, "
        f"{made_requests} solicitudes, {made_invoices} facturas."
    )
