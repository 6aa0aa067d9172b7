from tests.matrix import Route, expect

ROUTES = [
    # Directors and administrators only; with no confirmed device yet, the code page sends to enrolment.
    Route("accounts:two_factor_setup", expect(director=200, admin=200)),
    Route("accounts:two_factor_verify", expect(director=302, admin=302)),
]
