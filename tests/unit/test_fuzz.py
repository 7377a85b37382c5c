"""Bad input, fuzzed: any input yields a valid profile or a clear error, never a crash.

Property-based (hypothesis) over the three places where input the app does not
control enters it:

* profile validation (``validate_fields`` / ``RoleProfile.from_dict``) over arbitrary
  JSON-shaped dicts: either a profile whose every field passes its ``check_*`` (and
  whose ARN passes ``check_role_arn``), or a ProfileError — nothing else;
* the file loaders (``ProfileStore.load``, ``StateStore.load`` and the sign-in key
  index read by ``KeyVault``) over arbitrary bytes and arbitrary JSON: a result, never
  an exception; a well-formed file is always writable, and saving what was loaded
  loses nothing;
* ``AwsService`` with an invalid MFA code: the validation error, raised before any
  connection is made (the endpoint is a listening socket that counts connections).

The importers have their own "never raises" properties in tests/unit/test_importers.py.

Inputs that once crashed the app (deep nesting, huge integers, lone surrogates, a
non-list "keys") are regression tests at the end.

Budget: ~200 examples per property, no deadline (CI boxes are slow and shared).
"""

from __future__ import annotations

import json
import select
import socket
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from xacct_gui.core.aws import AwsService
from xacct_gui.core.colors import CONSOLE_COLORS
from xacct_gui.core.errors import AwsError, ProfileError
from xacct_gui.core.keys import KeyCredentials, KeyVault, SignInKey
from xacct_gui.core.profiles import KNOWN_KEYS, RoleProfile, check_role_arn
from xacct_gui.core.store import (
    CURRENT_VERSION,
    FILE_NAME,
    LoadResult,
    ProfileStore,
    StateStore,
)
from xacct_gui.core.validation import (
    check_account_id,
    check_color,
    check_display_name,
    check_duration,
    check_external_id,
    check_mfa_serial,
    check_region,
    check_role_name,
    check_session_name,
    check_source_identity,
    check_source_name,
    check_source_profile,
    validate_fields,
)

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Lone surrogates ("\ud800") are valid in JSON text but have no UTF-8 form; saving them
# fails today (see test_lone_surrogate_in_the_file_does_not_break_saving), so the
# round-trip properties leave them out until that is fixed.
NO_SURROGATES = st.characters(exclude_categories=["Cs"])

# --- strategies ---

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(NO_SURROGATES, max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(NO_SURROGATES, max_size=8), children, max_size=4),
    ),
    max_leaves=12,
)

NAME_CHARS = string.ascii_letters + string.digits + "+=,.@_-"
PATH_CHARS = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) != "/")  # "!" to "~"
EXTERNAL_ID_CHARS = NAME_CHARS + ":/"
REGIONS = (
    "us-east-1",
    "eu-west-1",
    "ap-southeast-2",
    "cn-north-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "eu-isoe-west-1",
    "us-isof-south-1",
    "eusc-de-east-1",
    "il-central-1",
)


def _text(alphabet: str, low: int, high: int) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(alphabet), min_size=low, max_size=high)


display_names = st.text(
    st.characters(categories=["L", "N", "P", "S"]),
    min_size=1,
    max_size=64,
)
account_ids = _text(string.digits, 12, 12)
role_names = st.builds(
    lambda lead, segments, name: lead + "/".join([*segments, name]),
    st.sampled_from(["", "/"]),
    st.lists(_text(PATH_CHARS, 1, 12), max_size=3),
    _text(NAME_CHARS, 1, 64),
)
colors = st.one_of(
    st.sampled_from(sorted(CONSOLE_COLORS)),
    _text("0123456789abcdefABCDEF", 6, 6).map(lambda h: "#" + h),
)
session_names = _text(NAME_CHARS, 2, 64)
valid_fields: dict[str, st.SearchStrategy[Any]] = {
    "name": display_names,
    "account_id": account_ids,
    "role_name": role_names,
    "source_profile": _text(string.ascii_letters + string.digits + "_-", 1, 30),
    "color": colors,
    "external_id": st.one_of(_text(EXTERNAL_ID_CHARS, 2, 80), st.just("x" * 1224)),
    "region": st.sampled_from(REGIONS),
    "mfa_serial": st.one_of(
        st.builds(lambda a, n: f"arn:aws:iam::{a}:mfa/{n}", account_ids, _text(NAME_CHARS, 1, 64)),
        _text(string.ascii_uppercase + string.digits, 9, 20),  # a hardware token's serial
    ),
    "session_name": session_names,
    "duration_seconds": st.integers(900, 43200),
    "source_identity": session_names,
    "source_key": display_names,
    "source_role": display_names,
    "sso_start_url": st.sampled_from(
        (
            "https://d-1234567890.awsapps.com/start",
            "https://acme.awsapps.com/start/#/",
            "https://ssoins-1234.portal.eu-west-1.app.aws",
        )
    ),
    "sso_region": st.sampled_from(REGIONS),
    "sso_gone": st.booleans(),
}
# Values near the rules, so the invalid side is not just "obviously not text".
near_misses: dict[str, st.SearchStrategy[Any]] = {
    "account_id": st.one_of(
        _text(string.digits, 0, 14), st.just("٠١٢٣٤٥٦٧٨٩٠١"), st.just("12345678901２")
    ),
    "role_name": st.one_of(_text(NAME_CHARS + "/ é", 0, 80), st.just("/"), st.just("a" * 65)),
    "color": st.sampled_from(["Red", "#12345", "#1234567", "#gggggg", "purple", " red"]),
    "duration_seconds": st.one_of(
        st.sampled_from([899, 43201, 0, -1, True, 900.0, "3600"]), st.integers()
    ),
    "session_name": st.one_of(_text(NAME_CHARS + " é", 0, 70)),
    "region": st.sampled_from(["EU-WEST-1", "eu-west", "eu_west_1", "", " us-east-1"]),
}


@st.composite
def profile_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """Each known key absent, valid, a near miss, or any JSON value; plus unknown keys.
    Weighted so that about a third of the dicts are valid profiles."""
    data: dict[str, Any] = {}
    for key in KNOWN_KEYS:
        required = key in ("name", "account_id", "role_name")
        roll = draw(st.integers(0, 99))
        if roll < (0 if required else 55):
            continue  # absent
        if roll < 95:
            data[key] = draw(valid_fields[key])
        elif key in near_misses and roll < 98:
            data[key] = draw(near_misses[key])
        else:
            data[key] = draw(json_values)
    extra = draw(
        st.dictionaries(
            st.text(NO_SURROGATES, max_size=8).filter(lambda k: k not in KNOWN_KEYS),
            json_values,
            max_size=2,
        )
    )
    return {**data, **extra}


@st.composite
def valid_profile_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """Everything AWS's documented field limits allow, written independently of the checkers."""
    data = {key: draw(valid_fields[key]) for key in ("name", "account_id", "role_name")}
    for key in (
        "source_profile",
        "color",
        "external_id",
        "region",
        "mfa_serial",
        "session_name",
        "duration_seconds",
        "source_identity",
    ):
        if draw(st.booleans()):
            data[key] = draw(valid_fields[key])
        elif draw(st.booleans()):
            data[key] = draw(st.sampled_from([None, ""])) if key != "duration_seconds" else None
    source = draw(st.sampled_from(["profile", "key", "role"]))
    if source == "key":
        data["source_key"] = draw(display_names.filter(lambda n: n == n.strip()))
    elif source == "role":
        other = draw(display_names.filter(lambda n: n.casefold() != data["name"].casefold()))
        data["source_role"] = other
    return data


def is_display_name(value: str) -> bool:
    return 1 <= len(value) <= 64 and value.isprintable() and value == value.strip()


def assert_profile_is_valid(profile: RoleProfile, taken: list[str]) -> None:
    assert check_display_name(profile.name, taken) is None
    assert check_account_id(profile.account_id) is None
    assert check_role_name(profile.role_name) is None
    assert check_role_arn(profile.role_arn) is None, profile.role_arn
    assert check_color(profile.color) is None
    assert check_source_profile(profile.source_profile) is None
    assert check_session_name(profile.effective_session_name) is None
    for value, check in (
        (profile.external_id, check_external_id),
        (profile.region, check_region),
        (profile.mfa_serial, check_mfa_serial),
        (profile.session_name, check_session_name),
        (profile.source_identity, check_source_identity),
        (profile.source_key, check_source_name),
        (profile.source_role, check_source_name),
    ):
        assert value is None or check(value) is None, value
    assert profile.duration_seconds is None or check_duration(profile.duration_seconds) is None
    assert not (profile.source_key and profile.source_role)
    assert len(profile.color_hex) == 7 and profile.color_hex.startswith("#")


# --- profile validation ---


@FUZZ
@given(data=profile_dicts(), taken=st.lists(display_names, max_size=3))
def test_profile_validation_is_total(data: dict[str, Any], taken: list[str]) -> None:
    """Any JSON-shaped dict: a fully valid profile, or a ProfileError naming fields."""
    errors = validate_fields(data, taken)
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in errors.items())
    try:
        profile = RoleProfile.from_dict(data, taken)
    except ProfileError as exc:
        assert exc.errors == errors != {}
        assert set(exc.errors) <= set(KNOWN_KEYS)
        assert str(exc) and "Traceback" not in str(exc)
        event("rejected")
        return
    event("accepted")
    assert errors == {}
    assert_profile_is_valid(profile, taken)
    # What is saved loads back to the same profile, unknown keys and all.
    again = RoleProfile.from_dict(json.loads(json.dumps(profile.to_dict())), taken)
    assert again == profile
    assert dict(again.extra) == {k: v for k, v in data.items() if k not in KNOWN_KEYS}


@FUZZ
@given(data=valid_profile_dicts())
def test_every_profile_the_rules_allow_is_accepted(data: dict[str, Any]) -> None:
    assume(is_display_name(data["name"]))
    assume(all(is_display_name(data[k]) for k in ("source_key", "source_role") if k in data))
    profile = RoleProfile.from_dict(data)
    assert_profile_is_valid(profile, [])


@FUZZ
@given(value=json_values)
def test_non_dict_profile_entries_are_errors(value: Any) -> None:
    """A profile entry that is not even an object (a list, a number) is skipped, reported."""
    assume(not isinstance(value, dict))
    document = {"version": 1, "profiles": [value]}
    result = load_bytes(json.dumps(document).encode())
    assert result.profiles == () and result.writable
    assert "profile #1 was skipped" in result.problems[0]


# --- the loaders ---


class Dir:
    """One temporary config dir reused by every example of a property (hypothesis runs
    the examples inside a single test call, so a function-scoped tmp_path would be
    shared anyway); each example starts from an empty directory."""

    def __init__(self, root: Path) -> None:
        self.path = root / "cfg"
        self.path.mkdir()

    def reset(self) -> Path:
        for child in self.path.iterdir():
            child.unlink()
        return self.path


@pytest.fixture
def cfg(tmp_path: Path) -> Dir:
    return Dir(tmp_path)


_current_dir: list[Path] = []


@pytest.fixture(autouse=True)
def _dir_for_helpers(cfg: Dir) -> Iterator[None]:
    _current_dir.append(cfg.path)
    yield
    _current_dir.pop()


def load_into_store(raw: bytes) -> tuple[ProfileStore, LoadResult]:
    """Write ``raw`` as the only file of the config dir and load it."""
    directory = _current_dir[-1]
    for child in directory.iterdir():
        child.unlink()
    (directory / FILE_NAME).write_bytes(raw)
    store = ProfileStore(directory)
    return store, store.load()


def load_bytes(raw: bytes) -> LoadResult:
    return load_into_store(raw)[1]


def well_formed(document: Any) -> bool:
    """A file this version may write: an object, version 1 (or none), a profiles list."""
    if not isinstance(document, dict):
        return False
    version = document.get("version", CURRENT_VERSION)
    return (
        isinstance(document.get("profiles", []), list)
        and type(version) is int
        and 1 <= version <= CURRENT_VERSION
    )


documents = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"profiles": st.lists(st.one_of(profile_dicts(), json_values), max_size=4)},
        optional={
            "version": st.one_of(
                st.sampled_from([1, 1, 1, 0, 2, 99, -1, True, 1.0, "1"]), json_values
            ),
            "window": json_values,
            "ui": json_values,
        },
    ),
)


@FUZZ
@given(raw=st.binary(max_size=300))
def test_profile_loader_survives_any_bytes(raw: bytes) -> None:
    result = load_bytes(raw)
    assert isinstance(result.profiles, tuple)
    if not result.writable:
        assert result.problems and "left untouched" in result.problems[0]


@FUZZ
@given(raw=st.text(st.sampled_from('{}[]",:0123456789.eE+-truefalsnul \n\\"version"profiles"')))
def test_profile_loader_survives_json_like_text(raw: str) -> None:
    result = load_bytes(raw.encode())
    assert result.writable or result.problems


@FUZZ
@given(document=documents, indent=st.sampled_from([None, 2]))
def test_profile_loader_over_any_json_loses_nothing(document: Any, indent: int | None) -> None:
    raw = json.dumps(document, indent=indent, ensure_ascii=False).encode()
    directory = _current_dir[-1]
    store, result = load_into_store(raw)
    assert result.writable == well_formed(document)
    if not result.writable:
        assert result.problems
        return
    entries = document.get("profiles", [])
    assert len(result.profiles) + len(result.problems) == len(entries)
    # Saving what was loaded keeps every profile, every skipped entry (verbatim) and
    # every top-level key this version does not know.
    store.save(result.profiles)
    saved = json.loads((directory / FILE_NAME).read_text(encoding="utf-8"))
    assert [p.name for p in ProfileStore(directory).load().profiles] == [
        p.name for p in result.profiles
    ]
    n = len(result.profiles)
    assert saved["profiles"][:n] == json.loads(json.dumps([p.to_dict() for p in result.profiles]))
    kept = [_canonical(entry) for entry in saved["profiles"][n:]]
    # The skipped entries follow, verbatim and in order: taking them out of the original
    # list leaves exactly the entries that became profiles. (Matched from the end: of two
    # identical entries the first becomes the profile, the later is the skipped duplicate.)
    position, accepted = len(kept), list[Any]()
    for entry in reversed(entries):
        if position and _canonical(entry) == kept[position - 1]:
            position -= 1
        else:
            accepted.insert(0, entry)
    assert position == 0
    assert [p.name for p in result.profiles] == [entry["name"] for entry in accepted]
    for key, value in document.items():
        if key not in ("version", "profiles"):
            assert saved[key] == value
    assert sorted(p.name for p in directory.iterdir()) == [FILE_NAME]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


@FUZZ
@given(raw=st.binary(max_size=200), document=json_values)
def test_state_loader_survives_anything(raw: bytes, document: Any) -> None:
    directory = _current_dir[-1]
    state = StateStore(directory)
    for content in (raw, json.dumps(document).encode()):
        state.path.write_bytes(content)
        loaded = state.load()
        assert isinstance(loaded, dict)
        state.save(last_profile="Dev")  # never raises; replaces garbage with a good file
        assert state.load()["last_profile"] == "Dev"


class NoKeyring:
    """A keyring that is never reached: the index loader must not need it."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the index loader touched the keyring ({name})")


key_indexes = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "keys": st.lists(
                st.one_of(
                    json_values,
                    st.fixed_dictionaries(
                        {"name": st.one_of(display_names, json_values)},
                        optional={"mfa_serial": st.one_of(valid_fields["mfa_serial"], json_values)},
                    ),
                ),
                max_size=4,
            )
        },
        optional={"version": json_values},
    ),
)


@FUZZ
@given(raw=st.binary(max_size=200), document=key_indexes)
def test_key_index_loader_survives_anything(raw: bytes, document: Any) -> None:
    """sign-in-keys.json is read when the app starts; a bad one must not stop it.
    (A document whose "keys" is not a list has a regression test at the end.)"""
    assume(
        not (
            isinstance(document, dict)
            and "keys" in document
            and not isinstance(document["keys"], list)
        )
    )
    directory = _current_dir[-1]
    for content in (raw, json.dumps(document).encode()):
        (directory / "sign-in-keys.json").write_bytes(content)
        vault = KeyVault(directory, keyring_backend=NoKeyring)
        keys = vault.list_keys()
        assert all(isinstance(k.name, str) for k in keys)
        assert all(k.mfa_serial is None or isinstance(k.mfa_serial, str) for k in keys)


# --- no network call with an invalid MFA code ---


class CountingEndpoint:
    """A listening socket nobody answers on: any connection attempt shows up in its
    accept queue, so "no network call" is observed, not inferred from an error."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.setblocking(False)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.connections = 0

    def drain(self) -> int:
        while select.select([self._sock], [], [], 0)[0]:
            conn, _ = self._sock.accept()
            conn.close()
            self.connections += 1
        return self.connections

    def close(self) -> None:
        self._sock.close()


class OneKey:
    """A KeySource holding one sign-in key with an MFA device."""

    def get(self, name: str) -> SignInKey | None:
        return SignInKey(name, "arn:aws:iam::111111111111:mfa/alice") if name == "ops" else None

    def credentials(self, name: str) -> KeyCredentials:
        return KeyCredentials("AKIAFAKEFUZZ00000001", "fakeSecretForFuzzingOnly0000000000000000")


def is_mfa_code(value: str) -> bool:
    return len(value) == 6 and all(c in "0123456789" for c in value)


invalid_codes = st.one_of(
    st.text(max_size=12),
    _text(string.digits, 0, 5),
    _text(string.digits, 7, 12),
    st.text(st.characters(categories=["Nd"]), min_size=6, max_size=6),  # ٣, ６, ...
    st.builds(
        lambda d, ws: d + ws, _text(string.digits, 6, 6), st.sampled_from([" ", "\n", "\t", "\x00"])
    ),
    st.builds(
        lambda d, ws: ws + d, _text(string.digits, 6, 6), st.sampled_from([" ", "+", "-", "0x"])
    ),
).filter(lambda code: not is_mfa_code(code))


@pytest.fixture
def mfa_service(tmp_path: Path) -> Iterator[tuple[AwsService, CountingEndpoint]]:
    config = tmp_path / "config"
    credentials = tmp_path / "credentials"
    config.write_text("[default]\nregion = eu-west-1\n\n[profile temp]\nregion = eu-west-1\n")
    credentials.write_text(
        "[default]\naws_access_key_id = AKIAFAKEFUZZDEFAULT1\n"
        "aws_secret_access_key = fakeSecretForFuzzingOnlyDefault000000000\n\n"
        "[temp]\naws_access_key_id = ASIAFAKEFUZZTEMP0001\n"
        "aws_secret_access_key = fakeSecretForFuzzingOnlyTemp0000000000000\n"
        "aws_session_token = fakeSessionTokenForFuzzingOnly\n"
    )
    endpoint = CountingEndpoint()
    service = AwsService(
        endpoint_url=endpoint.url,
        config_file=str(config),
        credentials_file=str(credentials),
        connect_timeout=1,
        read_timeout=1,
        max_attempts=1,
        keys=OneKey(),
    )
    yield service, endpoint
    endpoint.close()


MFA_SERIAL = "arn:aws:iam::111111111111:mfa/alice"
MFA_PROFILES = {
    # Long-term keys: the code opens an MFA session (GetSessionToken) first.
    "long-term keys": RoleProfile.from_dict(
        {"name": "A", "account_id": "222222222222", "role_name": "Admin", "mfa_serial": MFA_SERIAL}
    ),
    # Temporary source credentials: the code goes with AssumeRole itself.
    "temporary credentials": RoleProfile.from_dict(
        {
            "name": "B",
            "account_id": "222222222222",
            "role_name": "Admin",
            "mfa_serial": MFA_SERIAL,
            "source_profile": "temp",
        }
    ),
    # A sign-in key from the keyring whose MFA device comes with the key.
    "sign-in key": RoleProfile.from_dict(
        {"name": "C", "account_id": "222222222222", "role_name": "Admin", "source_key": "ops"}
    ),
}


def test_invalid_mfa_code_never_reaches_the_network(
    mfa_service: tuple[AwsService, CountingEndpoint],
) -> None:
    service, endpoint = mfa_service

    @FUZZ
    @given(code=invalid_codes, which=st.sampled_from(sorted(MFA_PROFILES)))
    def check(code: str, which: str) -> None:
        with pytest.raises(AwsError) as info:
            service.switch(MFA_PROFILES[which], mfa_code=code)
        assert info.value.code == "InvalidMfaCode", (which, code, str(info.value))
        assert "6 digits" in str(info.value)
        assert endpoint.drain() == 0

    check()
    for profile in MFA_PROFILES.values():
        with pytest.raises(AwsError) as info:
            service.switch(profile)  # no code at all: ask for one, still no call
        assert info.value.code == "MfaCodeRequired"
    assert endpoint.drain() == 0
    # The premise: a well-formed code does reach the endpoint (and fails there).
    with pytest.raises(AwsError) as info:
        service.switch(MFA_PROFILES["temporary credentials"], mfa_code="123456")
    assert str(info.value).startswith("Cannot reach AWS")
    assert endpoint.drain() >= 1


# --- inputs that once crashed the app: kept as regression tests ---


def test_deeply_nested_profile_file_is_refused_not_raised() -> None:
    result = load_bytes(b'{"version": 1, "profiles": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert not result.writable and result.problems


def test_huge_number_in_profile_file_is_refused_not_raised() -> None:
    result = load_bytes(b'{"version": ' + b"1" * 5000 + b', "profiles": []}')
    assert not result.writable and result.problems


def test_deeply_nested_state_file_is_ignored() -> None:
    state = StateStore(_current_dir[-1])
    state.path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    assert state.load() == {}


def test_key_index_with_non_list_keys_is_ignored() -> None:
    (_current_dir[-1] / "sign-in-keys.json").write_text('{"version": 1, "keys": 5}')
    assert KeyVault(_current_dir[-1], keyring_backend=NoKeyring).list_keys() == []


def test_deeply_nested_key_index_is_ignored() -> None:
    (_current_dir[-1] / "sign-in-keys.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    assert KeyVault(_current_dir[-1], keyring_backend=NoKeyring).list_keys() == []


def test_lone_surrogate_in_the_file_does_not_break_saving() -> None:
    """``"\\ud800"`` is valid JSON; the file loads as writable, then every save raised
    UnicodeEncodeError (not ProfileFileError), so the window's add/edit failed with a
    traceback on stderr."""
    raw = b'{"version": 1, "note": "\\ud800", "profiles": []}'
    result = load_bytes(raw)
    assert result.writable
    store = ProfileStore(_current_dir[-1])
    store.load()
    store.save(
        [RoleProfile.from_dict({"name": "Dev", "account_id": "222222222222", "role_name": "R"})]
    )
    assert json.loads((_current_dir[-1] / FILE_NAME).read_text())["note"] == "\ud800"
