"""A resource server that knows nothing of TaskManager but its address: PyJWT's PyJWKClient fetches
the JWK Set, and a token is accepted when its signature verifies with a published key and its
issuer, audience (both the address) and expiry are right — what RFC 9068 §4 asks of a verifier.

Usage: python3 resource_server.py BASE_URL GOOD_TOKEN [BAD_TOKEN ...]
Prints the subject of the good token, then "refused: <reason>" for each bad one; exits 0 when the
good one verifies and every bad one is refused.
"""

import sys

import jwt

base, good, bad = sys.argv[1], sys.argv[2], sys.argv[3:]
keys = jwt.PyJWKClient(base + "/.well-known/jwks.json")


def verify(token):
    header = jwt.get_unverified_header(token)
    if header.get("typ") != "at+jwt":
        raise jwt.InvalidTokenError("not typed at+jwt")
    key = keys.get_signing_key_from_jwt(token)
    return jwt.decode(token, key, algorithms=["RS256", "ES256", "EdDSA"], audience=base, issuer=base,
                      options={"require": ["exp", "iat", "iss", "aud", "sub", "jti", "client_id"]})


claims = verify(good)
print("verified:", claims["sub"], claims["scope"], claims["client_id"], jwt.get_unverified_header(good)["alg"])
for token in bad:
    try:
        verify(token)
    except (jwt.PyJWTError, jwt.PyJWKClientError) as error:
        print("refused:", type(error).__name__)
    else:
        print("ACCEPTED a bad token")
        sys.exit(1)
