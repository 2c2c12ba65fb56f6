"""Issue 15, point 13 (foundation): the primitives and key handling for identity numbers
encrypted at rest. The customer storage is not wired to them yet."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backend import KeyringBackend

from patolab_desktop.util import identity_crypto as ic

DNI = "0801199012345"


class _TempHomeKeyring(KeyringBackend):
    """A credential store in the test's temporary home: never the real OS store."""

    priority = 1

    def __init__(self, path):
        super().__init__()
        self.path = path

    def _load(self):
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service, username):
        return self._load().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        data = self._load()
        data[f"{service}/{username}"] = password
        self.path.write_text(json.dumps(data))

    def delete_password(self, service, username):
        data = self._load()
        data.pop(f"{service}/{username}", None)
        self.path.write_text(json.dumps(data))


@pytest.fixture
def store(_isolated_home):
    previous = keyring.get_keyring()
    backend = _TempHomeKeyring(_isolated_home / "keyring.json")
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_encrypt_round_trip_and_no_digits_in_the_stored_value():
    key = ic.new_key()
    token = ic.encrypt(key, DNI)
    assert ic.is_encrypted(token) and DNI not in token
    assert ic.encrypt(key, DNI) != token  # a fresh nonce every time
    assert ic.decrypt(key, token) == DNI
    with pytest.raises(ValueError):
        ic.decrypt(ic.new_key(), token)  # another database's key
    damaged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(ValueError):
        ic.decrypt(key, damaged)


def test_keyed_hash_supports_exact_search_and_uniqueness_only_with_the_key():
    key, other = ic.new_key(), ic.new_key()
    assert ic.id_hash(key, DNI) == ic.id_hash(key, DNI)
    assert ic.id_hash(key, DNI) != ic.id_hash(key, "0801199012346")
    assert ic.id_hash(key, DNI) != ic.id_hash(other, DNI)
    assert DNI not in ic.id_hash(key, DNI)


def test_prefix_tokens_cover_the_municipality_and_the_year_only():
    key = ic.new_key()
    mine = ic.id_prefix_hashes(key, DNI)
    neighbour = ic.id_prefix_hashes(key, "0801198554321")  # same municipality, other year
    assert len(mine) == 2 and mine[0] == neighbour[0] and mine[1] != neighbour[1]
    assert all(t.isalnum() and not any(ch.isdigit() and ch in "0189" for ch in t) for t in mine)
    assert not any("0801" in t for t in mine)


def test_remembered_prefix_tokens_are_the_keyed_hashes_themselves(monkeypatch):
    """Issue 20: ``prefix_hashes`` remembers the tokens of the prefixes it has seen (an
    import repeats them); a remembered token is the one a fresh computation gives, under
    this key only, and the memory stays bounded."""
    key = ic.new_key()
    keys = ic.IdentityKeys(key)
    numbers = ["0801199012345", "0801199054321", "0801198512345", "0501199012345"]
    first = [keys.prefix_hashes(n) for n in numbers]
    again = [keys.prefix_hashes(n) for n in numbers]  # from memory
    fresh = [ic.IdentityKeys(key).prefix_hashes(n) for n in numbers]
    assert first == again == fresh
    assert first[0] == first[1] and first[0][0] == first[2][0] != first[3][0]
    assert ic.IdentityKeys(ic.new_key()).prefix_hashes(numbers[0]) != first[0]
    monkeypatch.setattr(ic, "MAX_KNOWN_TOKENS", 3)
    small = ic.IdentityKeys(key)
    for n in range(20):
        assert small.prefix_hashes(f"08011{n:03d}12345") == ic.IdentityKeys(key).prefix_hashes(
            f"08011{n:03d}12345"
        )
        assert len(small._tokens) <= 3


def test_recovery_key_round_trip_tolerates_typing():
    key = ic.new_key()
    text = ic.recovery_text(key)
    assert len(text.replace("-", "")) == 56 and text.count("-") == 13
    typed = " ".join(text.lower().split("-")).replace("O", "0")
    assert ic.key_from_recovery(typed, ic.key_check(key)) == key
    with pytest.raises(ic.RecoveryKeyError, match="no es correcta"):
        ic.key_from_recovery(text[:-1] + ("A" if text[-1] != "A" else "B"))
    with pytest.raises(ic.RecoveryKeyError, match="otra base de datos"):
        ic.key_from_recovery(text, ic.key_check(ic.new_key()))


def test_the_key_lives_in_the_credential_store_not_in_files(store, _isolated_home, tmp_path):
    key_id, key = ic.new_key_id(), ic.new_key()
    with pytest.raises(ic.KeyMissing):
        ic.stored_key(key_id)
    ic.store_key(key_id, key)
    assert ic.stored_key(key_id) == key
    assert (_isolated_home / "keyring.json").exists()  # the temp store, never the real one


def test_the_decrypter_for_many_values_agrees_with_decrypt():
    """The export's fast path (``IdentityKeys.decrypter``) gives the same numbers and
    refuses the same values as ``decrypt``."""
    key = ic.new_key()
    one = ic.keys_for(key).decrypter()
    token = ic.encrypt(key, DNI)
    assert one(token) == ic.decrypt(key, token) == DNI
    damaged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for refused in (ic.encrypt(ic.new_key(), DNI), damaged, DNI, ic.CIPHER_PREFIX + "no!"):
        with pytest.raises(ValueError):
            ic.decrypt(key, refused)
        with pytest.raises(ValueError):
            one(refused)
