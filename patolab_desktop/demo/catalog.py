"""Demo catalog, branches and referrers (deterministic for a given ``rng``).

The catalog comes from ``resources/data/demo_investigations.csv`` through the same
import service the CLI uses; two branches (San Pedro Sula and Tegucigalpa, SPS the
default) and about sixty Honduran referrers are created through their services, so
the demo data obeys every rule the real data does.
"""

from __future__ import annotations

import random

from ..db.models import Branch, Referrer
from ..paths import resource
from ..services import catalog
from ..services.catalog import branches, referrer_types, referrers

BRANCHES = (
    branches.BranchData(
        name="San Pedro Sula",
        code="SPS",
        address="Barrio Guamilito, 6 avenida, 9 calle N.O., San Pedro Sula, Cortés",
        phone="2552-4410",
    ),
    branches.BranchData(
        name="Tegucigalpa",
        code="TGU",
        address="Colonia Palmira, avenida República de Chile, Tegucigalpa, M.D.C.",
        phone="2232-7785",
    ),
)

FIRST_WOMEN = (
    "María",
    "Ana",
    "Karla",
    "Sofía",
    "Gabriela",
    "Daniela",
    "Carmen",
    "Lourdes",
    "Patricia",
    "Alejandra",
    "Iris",
    "Reina",
    "Marisol",
    "Fátima",
    "Wendy",
    "Glenda",
)
FIRST_MEN = (
    "José",
    "Juan",
    "Carlos",
    "Luis",
    "Jorge",
    "Óscar",
    "Mario",
    "Francisco",
    "Héctor",
    "Roberto",
    "Marvin",
    "Nelson",
    "Edgardo",
    "Ramón",
    "Denis",
    "Wilmer",
)
SURNAMES = (
    "López",
    "Martínez",
    "Hernández",
    "Rodríguez",
    "Mejía",
    "Flores",
    "Reyes",
    "Cruz",
    "Castillo",
    "Zelaya",
    "Fúnez",
    "Maradiaga",
    "Paz",
    "Bonilla",
    "Ordóñez",
    "Banegas",
    "Alvarado",
    "Rivera",
    "Sosa",
    "Murillo",
    "Turcios",
    "Euceda",
    "Aguilar",
    "Matute",
)
SPECIALTIES = (
    "Medicina Interna",
    "Ginecología y Obstetricia",
    "Pediatría",
    "Medicina General",
    "Cirugía General",
    "Urología",
    "Endocrinología",
    "Gastroenterología",
    "Dermatología",
    "Cardiología",
    "Nefrología",
    "Oncología",
    "Medicina Familiar",
)
# (name, city): public and private hospitals of Honduras
HOSPITALS = (
    ("Hospital Nacional Mario Catarino Rivas", "San Pedro Sula"),
    ("Hospital Leonardo Martínez Valenzuela", "San Pedro Sula"),
    ("Hospital Escuela", "Tegucigalpa"),
    ("Hospital San Felipe", "Tegucigalpa"),
    ("Hospital del Sur", "Choluteca"),
    ("Hospital Atlántida", "La Ceiba"),
    ("Hospital de Occidente", "Santa Rosa de Copán"),
    ("Hospital Santa Teresa", "Comayagua"),
    ("Hospital Regional del IHSS", "San Pedro Sula"),
    ("Hospital del Valle", "San Pedro Sula"),
)
CLINICS = (
    ("Clínica Médica San Jorge", "San Pedro Sula"),
    ("Centro Médico Los Andes", "San Pedro Sula"),
    ("Clínica Materno Infantil Santa Fe", "Tegucigalpa"),
    ("Policlínica Florencia", "Tegucigalpa"),
    ("Clínica Familiar El Progreso", "El Progreso"),
    ("Centro de Especialidades Médicas Lempira", "Choloma"),
    ("Clínica Médica Villanueva", "Villanueva"),
    ("Centro Médico Ceibeño", "La Ceiba"),
)
COMPANIES = (
    ("Maquiladora Textiles del Norte S.A.", "Choloma"),
    ("Bananera del Atlántico S. de R.L.", "La Lima"),
    ("Cooperativa Cafetalera de Marcala", "Marcala"),
    ("Embotelladora Sula S.A. de C.V.", "San Pedro Sula"),
)
STREETS = (
    "Barrio Río de Piedras",
    "Colonia Trejo",
    "Barrio Los Andes",
    "Colonia Jardines del Valle",
    "Barrio El Centro",
    "Colonia Kennedy",
    "Colonia Tepeyac",
    "Barrio La Guadalupe",
    "Colonia Moderna",
    "Barrio Guamilito",
)
EMAIL_DOMAIN = "correo.hn"


def _ascii(text: str) -> str:
    from ..util.text import fold

    return fold(text).replace(" ", "").replace(".", "")


def _phone(rng, landline: bool) -> str:
    """A valid Honduran number: landlines 2xxx-xxxx, mobiles 3/8/9xxx-xxxx."""
    while True:
        prefix = rng.choice(
            ("22", "25", "26", "27")
            if landline
            else ("31", "32", "33", "88", "89", "94", "95", "97", "98", "99")
        )
        number = prefix + "".join(str(rng.randrange(10)) for _ in range(6))
        try:
            return referrers.normalize_phone(number)
        except ValueError:
            continue


def _address(rng, city: str) -> str:
    return f"{rng.choice(STREETS)}, {rng.randrange(1, 28)} calle, {city}"


def _types() -> dict[str, int]:
    wanted = {
        "Doctor": None,
        "Hospital": None,
        "Clínica Privada": None,
        "Empresa": None,
        "Otro": None,
    }
    for name in wanted:
        type_id = referrer_types.find_by_name(name)
        wanted[name] = type_id if type_id is not None else referrer_types.create(name)
    return wanted


def _seed_branches() -> int:
    made = 0
    for data in BRANCHES:
        existing = Branch.get_or_none(Branch.code == data.code)
        if existing is None:
            branches.create(data)
            made += 1
    sps = Branch.get(Branch.code == "SPS").id
    branches.set_default(sps)
    # the placeholder "Sede principal" of an empty database gives way to the real branches
    placeholder = Branch.get_or_none(Branch.code == "LAB")
    if (
        placeholder is not None
        and placeholder.active
        and branches.request_count(placeholder.id) == 0
    ):
        branches.deactivate(placeholder.id)
    return made


def _doctor(rng, used: set[str]) -> referrers.ReferrerData:
    while True:
        woman = rng.random() < 0.5
        first = rng.choice(FIRST_WOMEN if woman else FIRST_MEN)
        surname, second = rng.sample(SURNAMES, 2)
        name = f"{'Dra.' if woman else 'Dr.'} {first} {surname} {second}"
        if name not in used:
            used.add(name)
            break
    specialty = rng.choice(SPECIALTIES)
    place, city = rng.choice(HOSPITALS + CLINICS)
    return referrers.ReferrerData(
        name=name,
        institution=specialty,
        phone=_phone(rng, landline=False),
        email=f"{_ascii(first)}.{_ascii(surname)}{rng.randrange(10, 99)}@{EMAIL_DOMAIN}"
        if rng.random() < 0.7
        else "",
        address=f"{place}, {city}",
        notes=f"Especialidad: {specialty}. Atiende en {place}.",
    )


def _add_institution(
    rng: random.Random, name: str, city: str, type_id: int, institution: str = "", **extra: str
) -> None:
    """A hospital, clinic or company that refers patients (its landline and address drawn)."""
    referrers.create(
        referrers.ReferrerData(
            name=name,
            type_id=type_id,
            institution=institution or name,
            phone=_phone(rng, landline=True),
            address=_address(rng, city),
            **extra,
        )
    )


def _seed_referrers(rng, target: int = 60) -> int:
    if Referrer.select().exists():
        return 0
    types = _types()
    used: set[str] = set()
    made = 0
    for name, city in HOSPITALS:
        email = f"laboratorio@{_ascii(name)[:20]}.{EMAIL_DOMAIN}"
        _add_institution(rng, name, city, types["Hospital"], email=email)
    for name, city in CLINICS:
        _add_institution(rng, name, city, types["Clínica Privada"])
    for name, city in COMPANIES:
        _add_institution(
            rng,
            name,
            city,
            types["Empresa"],
            institution="Salud ocupacional",
            notes="Exámenes pre-empleo y de control para sus empleados.",
        )
    made += len(HOSPITALS) + len(CLINICS) + len(COMPANIES)
    referrers.create(
        referrers.ReferrerData(
            name="Brigada Médica Comunitaria",
            type_id=types["Otro"],
            institution="Organización sin fines de lucro",
            phone=_phone(rng, landline=False),
            address=_address(rng, "Tegucigalpa"),
        )
    )
    made += 1
    while made < target:
        data = _doctor(rng, used)
        data.type_id = types["Doctor"]
        referrers.create(data)
        made += 1
    return made


def seed_catalog_and_referrers(rng, progress) -> str:
    progress = progress or (lambda _text: None)
    progress("Cargando el catálogo de investigaciones…")
    report = catalog.import_catalog(resource("data", "demo_investigations.csv"), changed_by="demo")
    if not report.ok:  # the bundled file is checked by the tests; this is a safety net
        raise RuntimeError("\n".join(report.lines()))
    progress("Creando sucursales y remitentes…")
    made_branches = _seed_branches()
    made_referrers = _seed_referrers(rng)
    return (
        f"{report.created + report.updated + report.unchanged} investigaciones, "
        f"{made_branches} sucursales, {made_referrers} remitentes"
    )
