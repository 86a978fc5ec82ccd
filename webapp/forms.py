"""Flask-WTF forms for accounts, listings, supplier search and proposal answers.

Labels and messages are lazy strings (``lazy_gettext``) so they render in the reader's
language. The listing form only guards the size of what is typed: the listing rules
themselves (numbers, units, limits, price, availability) are :mod:`webapp.listings.rules`,
shared with the API and the spreadsheet import; the view puts their messages next to the
fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.vocabulary import CERT_KINDS, REGION_TYPES

from .curation import FILTER_CHOICES as CURATION_FILTERS
from .listings.rules import MAX_NOTE_LENGTH
from .models import DECLINE_REASONS, LANGUAGES, PERIODS
from .passwords import PasswordPolicy
from .plausible import has_control_characters

__all__ = [
    "AcceptForm",
    "CATEGORY_LABELS",
    "CERT_LABELS",
    "CancelDealForm",
    "CompleteDealForm",
    "DECLINE_LABELS",
    "DeclineForm",
    "ForgotPasswordForm",
    "Form",
    "LanguageForm",
    "ListingForm",
    "LoginForm",
    "MAX_NOTE_LENGTH",
    "NewPasswordForm",
    "PERIOD_LABELS",
    "PasswordForm",
    "PostForm",
    "REGION_LABELS",
    "STATE_LABELS",
    "SearchForm",
]

CERT_LABELS = {
    "halal": _l("Halal"),
    "pirt": _l("P-IRT"),
    "bpom_md": _l("BPOM MD"),
    "sni": _l("SNI"),
}
REGION_LABELS = {
    "highland_agriculture": _l("Highland agriculture"),
    "coastal_fisheries": _l("Coastal fisheries"),
    "lowland_farming": _l("Lowland farming"),
    "urban": _l("Urban"),
    "island": _l("Island"),
}
#: Proposal states (:data:`webapp.models.PROPOSAL_STATES`) as a reader says them.
STATE_LABELS = {
    "draft": _l("draft"),
    "published": _l("awaiting answers"),
    "accepted_by_some": _l("accepted by some"),
    "confirmed": _l("confirmed"),
    "completed": _l("completed"),
    "declined": _l("declined"),
    "expired": _l("expired"),
    "cancelled": _l("cancelled"),
}
#: Product categories (``Product.category``, from the catalogue's spreadsheet).
CATEGORY_LABELS = {
    "agri inputs": _l("farm inputs"),
    "agricultural produce": _l("agricultural produce"),
    "beverages": _l("beverages"),
    "crafts": _l("crafts"),
    "fashion & textile": _l("fashion & textiles"),
    "fish & seafood": _l("fish & seafood"),
    "household": _l("household goods"),
    "processed food": _l("processed food"),
    "services": _l("services"),
    "staples & groceries": _l("staples & groceries"),
    "stationery": _l("stationery"),
}
PERIOD_LABELS = {
    "day": _l("per day"),
    "week": _l("per week"),
    "month": _l("per month"),
    "year": _l("per year"),
}
DECLINE_LABELS = {
    "price": _l("Price"),
    "quantity": _l("Quantity"),
    "distance": _l("Distance"),
    "quality": _l("Quality or certificate"),
    "already_supplied": _l("Already supplied"),
    "other": _l("Other"),
}


def labelled(values: Iterable[str], labels: Mapping[str, Any]) -> list[SelectChoice]:
    """One choice per value, labelled from ``labels``."""
    return [SelectChoice(value, labels[value]) for value in values]


def language_choices() -> list[SelectChoice]:
    """The languages the service speaks, each named in itself, Indonesian first."""
    return [SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _BabelTranslations:
    """WTForms' own messages through Flask-Babel's merged catalogues (the ``wtforms`` area),
    so "This field is required." reads in the reader's language."""

    def gettext(self, string: str) -> str:
        from flask_babel import get_translations

        return str(get_translations().ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        from flask_babel import get_translations

        return str(get_translations().ungettext(singular, plural, n))


class Form(FlaskForm):
    """The base of every form in the app: WTForms' messages in the reader's language."""

    class Meta:
        def get_translations(self, form: Any) -> _BabelTranslations:
            return _BabelTranslations()


def _no_control_characters(form: FlaskForm, field: StringField) -> None:
    if field.data and has_control_characters(field.data, multiline=True):
        raise ValidationError(_l("Remove the control characters from this text."))


class PostForm(Form):
    """A form with nothing but its CSRF token: one-click POST actions (pause, confirm ...)."""


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=200), PasswordPolicy()]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send me a link"))


class NewPasswordForm(Form):
    """Set a password from an emailed link (no current password: the link stands for it)."""

    new = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=200), PasswordPolicy()]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Set the password"))


class LanguageForm(Form):
    language = SelectField(
        _l("Language"),
        choices=language_choices(),
    )
    submit = SubmitField(_l("Save"))

    def validate_language(self, field: SelectField) -> None:
        if field.data not in LANGUAGES:
            raise ValidationError(_l("Choose a language from the list."))


class ListingForm(Form):
    """An offer or a need. Numbers are text, read in the reader's language (``1.250,5`` in
    Indonesian, ``1,250.5`` in English); the rules are :func:`webapp.listings.check_listing`."""

    product = StringField(
        _l("Product"),
        validators=[
            DataRequired(message=_l("Type a product.")),
            Length(max=120),
            _no_control_characters,
        ],
        render_kw={"autocomplete": "off", "data-suggest": "1"},
    )
    quantity = StringField(
        _l("Quantity"),
        validators=[Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )
    unit = SelectField(_l("Unit"), validate_choice=False)
    unit_size = StringField(
        _l("Size of one unit (in the product's base unit)"),
        validators=[Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )
    period = SelectField(
        _l("Period"),
        choices=labelled(PERIODS, PERIOD_LABELS),
        default="month",
        validate_choice=False,  # the listing rules say which periods there are
    )
    price = StringField(
        _l("Price per base unit (Rp)"),
        validators=[Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )
    required_certs = MultiCheckboxField(
        _l("Required certificates"), choices=labelled(CERT_KINDS, CERT_LABELS)
    )
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_until = DateField(_l("Available until"), validators=[Optional()])
    note = TextAreaField(
        _l("Note"),
        validators=[Length(max=4 * MAX_NOTE_LENGTH)],  # the rules say the real limit
    )
    submit = SubmitField(_l("Save"))


class SearchForm(Form):
    """Supplier search (GET, so no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Product"),
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "off", "data-suggest": "1"},
    )
    quantity = StringField(
        _l("Quantity"), validators=[Optional(), Length(max=20)], render_kw={"inputmode": "decimal"}
    )
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=16)])
    radius = SelectField(
        _l("Within"),
        choices=[
            SelectChoice("", _l("any distance")),
            SelectChoice("25", "25 km"),
            SelectChoice("50", "50 km"),
            SelectChoice("100", "100 km"),
            SelectChoice("200", "200 km"),
        ],
        default="",
        validate_choice=False,
    )
    certs = MultiCheckboxField(
        _l("Required certificates"), choices=labelled(CERT_KINDS, CERT_LABELS)
    )
    region_type = SelectField(
        _l("Region type"),
        choices=[SelectChoice("", _l("any"))] + labelled(REGION_TYPES, REGION_LABELS),
        default="",
    )
    curation_status = SelectField(
        _l("Curation"),
        choices=[SelectChoice(value, label) for value, label in CURATION_FILTERS],
        default="",
    )


class AcceptForm(Form):
    submit = SubmitField(_l("Accept"))


class SendLinkForm(Form):
    """Email a party its answer link (the view link's page): only the CSRF token."""

    submit = SubmitField(_l("Email the answer link to my pesantren"))


class DeclineForm(Form):
    """No reason is chosen beforehand (a hurried decline must not record "price"); the rule
    that "other" needs a note is :func:`webapp.proposals.decline_problem`."""

    reason = SelectField(
        _l("Reason"),
        choices=[SelectChoice("", _l("Choose a reason"))]
        + labelled(DECLINE_REASONS, DECLINE_LABELS),
        default="",
        validators=[DataRequired(message=_l("Choose a reason."))],
    )
    note = TextAreaField(
        _l("In a few words (required for “Other”)"),
        validators=[Length(max=MAX_NOTE_LENGTH), _no_control_characters],
    )
    submit = SubmitField(_l("Decline"))

    def validate_note(self, field: TextAreaField) -> None:
        from .proposals import decline_problem

        if self.reason.data in DECLINE_REASONS:
            problem = decline_problem(self.reason.data, field.data)
            if problem:
                raise ValidationError(problem)


class CompleteDealForm(Form):
    """Mark a confirmed deal completed. The delivered quantity of each leg comes as
    ``delivered_<leg id>`` (base unit per month; empty: as agreed), checked by
    :func:`webapp.proposals.complete`."""

    version = HiddenField()
    submit = SubmitField(_l("Mark completed"))


class CancelDealForm(Form):
    version = HiddenField()
    reason = TextAreaField(
        _l("Why is the deal cancelled?"),
        validators=[DataRequired(), Length(max=MAX_NOTE_LENGTH), _no_control_characters],
    )
    submit = SubmitField(_l("Cancel deal"))
