from tests.matrix import Route, expect

ROUTES = [
    # Every role is sent to the first page of its navigation; roles whose pages do not exist yet see "à venir".
    Route("home", expect(default=200, admin=302)),
    Route("login", expect(default=302, anonymous=200)),  # logged-in users are sent home
    Route("logout", expect(default=302, anonymous=302), method="post"),
    Route("password_change", expect(default=200)),
    Route("password_change_done", expect(default=200)),
    Route("password_reset", expect(default=200, anonymous=200)),
    Route("password_reset_done", expect(default=200, anonymous=200)),
    Route(
        "password_reset_confirm",
        expect(default=200, anonymous=200),
        kwargs=lambda world: {"uidb64": "MQ", "token": "jeton-invalide"},
    ),
    Route("password_reset_complete", expect(default=200, anonymous=200)),
]
