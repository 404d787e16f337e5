"""SQLAlchemy models for the analyst's work (format 3): annotations, hypotheses, windows, measurements, findings."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.core.store.schema import Base


class LocationHypothesisRow(Base):
    """A place the evidence may have been made: a point with a radius, or a band (`geometry_json`, GeoJSON)."""

    __tablename__ = "location_hypothesis"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String, default="candidate")  # candidate | confirmed | rejected
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    method: Mapped[str] = mapped_column(String, default="manual")
    inputs_json: Mapped[str] = mapped_column(Text, default="{}")
    geometry_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media_item.id", ondelete="SET NULL"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_utc: Mapped[str] = mapped_column(String)
    modified_utc: Mapped[str] = mapped_column(String)


class AnnotationRow(Base):
    """A mark on an image, in coordinates of the stored (original, un-rotated) pixels."""

    __tablename__ = "annotation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_item.id", ondelete="CASCADE"))
    shape: Mapped[str] = mapped_column(String)  # rect | ellipse | polygon | point | line | arrow | text
    geometry_json: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String, default="other")
    label: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    linked_media_id: Mapped[int | None] = mapped_column(ForeignKey("media_item.id", ondelete="SET NULL"), nullable=True)
    linked_hypothesis_id: Mapped[int | None] = mapped_column(
        ForeignKey("location_hypothesis.id", ondelete="SET NULL"), nullable=True
    )
    created_utc: Mapped[str] = mapped_column(String)
    modified_utc: Mapped[str] = mapped_column(String)


class TimeWindowRow(Base):
    """An interval in which something happened (shadow fit, claimed time, EXIF time with its tolerance)."""

    __tablename__ = "time_window"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(Text, default="")
    start_utc: Mapped[str] = mapped_column(String)
    end_utc: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String, default="manual")
    method: Mapped[str] = mapped_column(String, default="manual")
    inputs_json: Mapped[str] = mapped_column(Text, default="{}")
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media_item.id", ondelete="SET NULL"), nullable=True)
    hypothesis_id: Mapped[int | None] = mapped_column(
        ForeignKey("location_hypothesis.id", ondelete="SET NULL"), nullable=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_utc: Mapped[str] = mapped_column(String)


class ShadowMeasurementRow(Base):
    """A shadow measured on a photo (or entered directly): inputs, confirmed assumptions, elevation interval."""

    __tablename__ = "shadow_measurement"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media_item.id", ondelete="CASCADE"), nullable=True)
    label: Mapped[str] = mapped_column(Text, default="")
    inputs_json: Mapped[str] = mapped_column(Text)
    assumptions_json: Mapped[str] = mapped_column(Text, default="[]")
    result_json: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String)
    tool: Mapped[str] = mapped_column(String)
    created_utc: Mapped[str] = mapped_column(String)


class FindingRow(Base):
    __tablename__ = "finding"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    statement: Mapped[str] = mapped_column(Text)
    confidence: Mapped[str] = mapped_column(String, default="medium")  # low | medium | high
    note: Mapped[str] = mapped_column(Text, default="")
    created_utc: Mapped[str] = mapped_column(String)
    modified_utc: Mapped[str] = mapped_column(String)


class FindingEvidenceRow(Base):
    """A link from a finding to what supports it: ("media_item" | "annotation" | "post" | ..., id)."""

    __tablename__ = "finding_evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id", ondelete="CASCADE"))
    object_type: Mapped[str] = mapped_column(String)
    object_id: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
