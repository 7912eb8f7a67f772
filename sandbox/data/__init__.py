"""Synthetic patient records: the resource table, the story model, the chart cache."""

from sandbox.data.chart import Chart, Charts
from sandbox.data.resources import PATIENT_SCHEMA, RESOURCES, ResourceSpec

__all__ = ["PATIENT_SCHEMA", "RESOURCES", "Chart", "Charts", "ResourceSpec"]
