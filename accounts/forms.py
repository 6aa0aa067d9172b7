import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

BACKUP_CODE = re.compile(r"^[a-z2-7]{8}$")


class TokenForm(forms.Form):
    """A six-digit code from the authenticator application, checked against one TOTP device; where the user has
    backup codes (`backup_device`), one of them is accepted instead, once."""

    token = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^\d{6}$", _("Le code comporte exactement 6 chiffres."))],
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}", "autofocus": True}
        ),
        help_text=_("Le code affiché par votre application d'authentification (il change toutes les 30 secondes)."),
    )

    def __init__(self, *args, device, backup_device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.backup_device = backup_device
        if backup_device is not None:
            field = self.fields["token"]
            field.label = _("Code à 6 chiffres ou code de secours")
            field.min_length, field.max_length = 6, 8
            field.validators = []
            field.widget.attrs.pop("pattern", None)
            field.widget.attrs.update({"inputmode": "text", "maxlength": 8})

    def clean_token(self):
        token = self.cleaned_data["token"].strip().lower()
        if self.backup_device is not None and BACKUP_CODE.match(token):
            return self._check(self.backup_device, token)
        if not re.fullmatch(r"\d{6}", token):
            raise forms.ValidationError(_("Le code comporte exactement 6 chiffres."), code="invalid")
        return self._check(self.device, token)

    def _check(self, device, token):
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                _("Trop de codes erronés : patientez quelques secondes avant de réessayer."), code="throttled"
            )
        if not device.verify_token(token):
            raise forms.ValidationError(
                _("Ce code n'est pas valable. Vérifiez l'heure de votre téléphone et saisissez le code actuel."),
                code="invalid",
            )
        self.device = device  # the device that confirmed the session
        return token
