"""Forms for a pesantren's record: the facilitator's pesantren form and the public "Daftar"
(join) form, which asks for part of the same record plus the one product it offers.

Both share the record's rules: the NSPP (:func:`matcher.identifiers.check_nspp`), the
WhatsApp number (:func:`normalise_whatsapp`), East Java's bounds for coordinates and the
plausible values of :func:`webapp.plausible.check_pesantren`. The join form's product is
resolved and checked as the officer's listing form does (:mod:`webapp.listings`).
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, FloatField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from matcher.identifiers import check_nspp
from matcher.vocabulary import EAST_JAVA_BOUNDS, REGION_TYPES

from .forms import (
    PERIOD_LABELS,
    REGION_LABELS,
    Form,
    MultiCheckboxField,
    labelled,
    language_choices,
)
from .models import PERIODS
from .plausible import check_pesantren

__all__ = ["JoinForm", "PesantrenForm", "normalise_whatsapp", "regency_choices"]


def normalise_whatsapp(text: str) -> str:
    """``0812-3456-789`` / ``+62 812 …`` → ``628123456789`` (E.164 digits, as wa.me wants)."""
    digits = re.sub(r"[\s\-().]", "", text.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def _in_east_java(low: float, high: float) -> NumberRange:
    return NumberRange(low, high, message=_l("Must lie in East Java (%(min)s to %(max)s)."))


class PesantrenForm(Form):
    """A pesantren record; the limits on its values are :mod:`webapp.plausible`'s, shared
    with the spreadsheet import (see :meth:`validate`). The curation status is not here: it
    moves through its workflow (:mod:`webapp.curation`)."""

    name = StringField(_l("Name"), validators=[DataRequired()])
    nspp = StringField(_l("NSPP (12 digits)"), validators=[DataRequired(), Length(max=20)])
    regency_code = SelectField(_l("Kabupaten / kota"), validators=[DataRequired()])
    region_types = MultiCheckboxField(
        _l("Region types"), choices=labelled(REGION_TYPES, REGION_LABELS)
    )
    address = StringField(_l("Address"), validators=[Optional()])
    latitude = FloatField(
        _l("Latitude"), validators=[DataRequired(), _in_east_java(*EAST_JAVA_BOUNDS[0:2])]
    )
    longitude = FloatField(
        _l("Longitude"), validators=[DataRequired(), _in_east_java(*EAST_JAVA_BOUNDS[2:4])]
    )
    santri_count = IntegerField(_l("Santri"), default=0, validators=[Optional()])
    contact_name = StringField(_l("Contact person"), validators=[Optional()])
    whatsapp = StringField(_l("WhatsApp"), validators=[Optional(), Length(max=24)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    language = SelectField(_l("Report language"), choices=language_choices())

    nspp_warning = ""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        fields = {name: self._fields.get(name) for name in ("name", "address", "contact_name",
                                                             "santri_count")}  # fmt: skip
        values = {name: f.data for name, f in fields.items() if f is not None and not f.errors}
        for name, message in check_pesantren(values).items():
            self._fields[name].errors.append(message)
            valid = False
        return valid

    def validate_nspp(self, field: StringField) -> None:
        check = check_nspp(field.data or "", self.regency_code.data or None)
        if not check.ok:
            raise ValidationError(_("NSPP must be 12 digits starting with 51, e.g. 512035710012."))
        field.data = check.value
        self.nspp_warning = check.warning

    def validate_region_types(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError(_("Tick at least one region type."))

    def validate_whatsapp(self, field: StringField) -> None:
        if field.data:
            digits = normalise_whatsapp(field.data)
            if not re.fullmatch(r"62\d{8,13}", digits):
                raise ValidationError(_("Write an Indonesian mobile number, e.g. 0812 3456 7890."))
            field.data = digits


class JoinForm(PesantrenForm):
    """A pesantren asks to join: its record's essentials, who to contact, one product.

    The coordinates are optional (the regency's capital stands in); the region types are the
    regency's; the contact, WhatsApp and email are required (the account is emailed to it).
    The product is typed and resolved like a listing's; its numbers are checked by
    :func:`webapp.listings.check_listing` in the view, next to their fields."""

    region_types = None  # type: ignore[assignment]
    address = None  # type: ignore[assignment]
    santri_count = None  # type: ignore[assignment]
    latitude = FloatField(
        _l("Latitude"), validators=[Optional(), _in_east_java(*EAST_JAVA_BOUNDS[0:2])]
    )
    longitude = FloatField(
        _l("Longitude"), validators=[Optional(), _in_east_java(*EAST_JAVA_BOUNDS[2:4])]
    )
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=120)])
    whatsapp = StringField(_l("WhatsApp"), validators=[DataRequired(), Length(max=24)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    language = SelectField(_l("Language"), choices=language_choices())
    product = StringField(
        _l("Product you offer"),
        validators=[DataRequired(message=_l("Type a product.")), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    quantity = StringField(
        _l("Quantity"), validators=[DataRequired(), Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )  # fmt: skip
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=16)])
    unit_size = StringField(
        _l("Size of one unit (in the product's base unit)"),
        validators=[Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )
    period = SelectField(
        _l("Period"), choices=labelled(PERIODS, PERIOD_LABELS), default="month",
        validate_choice=False,  # the listing rules say which periods there are
    )  # fmt: skip
    price = StringField(
        _l("Price per base unit (Rp)"), validators=[DataRequired(), Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )  # fmt: skip

    def validate_email(self, field: EmailField) -> None:
        field.data = (field.data or "").strip().lower()


def regency_choices() -> list[SelectChoice]:
    """Every regency of East Java, by name (the forms' kabupaten / kota list), after a blank
    "choose" line: nothing is picked for the user (a hurried form would say Bangkalan)."""
    from sqlalchemy import select

    from .models import Regency, db

    return [
        SelectChoice("", _l("Choose a kabupaten / kota")),
        *(
            SelectChoice(r.code, r.name)
            for r in db.session.scalars(select(Regency).order_by(Regency.name))
        ),
    ]
