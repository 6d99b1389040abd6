"""A deployment of three units built from the shipped content, for tests of the choice of
units: Sangasanga (the shipped unit), Anggana and Muara Jawa, each with its own name."""

import dataclasses

from skm_core.content import Content
from skm_core.content.deployment import Deployment

NAMES = {
    "sangasanga": ("Kecamatan Sangasanga", "Kantor Camat Sangasanga"),
    "anggana": ("Kecamatan Anggana", "Kantor Camat Anggana"),
    "muara-jawa": ("Kecamatan Muara Jawa", "Kantor Camat Muara Jawa"),
}


def unit_content(content: Content, unit_id: str) -> Content:
    name, short_name = NAMES[unit_id]
    unit = content.unit.model_copy(update={"id": unit_id, "name": name, "short_name": short_name})
    return dataclasses.replace(content, unit=unit)


def three_units(content: Content) -> Deployment:
    units = tuple(unit_content(content, unit_id) for unit_id in NAMES)
    return Deployment(content.directory, units, None)
