from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """A six-digit code from the authenticator application, checked against one TOTP device."""

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

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"]
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                _("Trop de codes erronés : patientez quelques secondes avant de réessayer."), code="throttled"
            )
        if not self.device.verify_token(token):
            raise forms.ValidationError(
                _("Ce code n'est pas valable. Vérifiez l'heure de votre téléphone et saisissez le code actuel."),
                code="invalid",
            )
        return token
