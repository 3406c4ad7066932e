"""What a clerk's password must be (GB/T 22239 asks for complexity and no guessable passwords).

At least 10 characters of at least two kinds (letters, digits, other signs); not one of the passwords people
choose most (the list below, from published leaks of Chinese sites, plus their obvious variants); not the
username; not a run of one character, a sequence, or a keyboard row.
"""

from __future__ import annotations

from app.i18n import _

MIN_LENGTH = 10

_COMMON = {
    "123456", "123456789", "12345678", "1234567890", "111111", "000000", "123123", "666666", "888888",
    "5201314", "1314520", "woaini", "woaini1314", "woaini520", "iloveyou", "password", "passw0rd", "p@ssw0rd",
    "qwerty", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx", "1q2w3e4r", "1q2w3e4r5t", "qazwsx", "abc123",
    "a123456", "a12345678", "aa123456", "abc123456", "abcd1234", "admin", "admin123", "admin888", "root",
    "test", "test123", "guest", "welcome", "welcome1", "changeme", "letmein", "sunshine", "dragon", "monkey",
    "football", "baseball", "master", "shadow", "superman", "zhang", "wang", "li", "liu", "chen", "yang",
    "huang", "zhao", "zhou", "wu", "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin", "luo", "zongchuang",
    "zhengwu", "fuwu", "shequ", "jiedao", "mima", "mima123", "qq123456", "aini1314", "aaa111", "a1b2c3d4",
    "z123456", "q123456", "w123456", "a123456789", "qq123456789", "123qwe", "qwe123", "asd123", "zxc123", "password1", "password123",
}
_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")


def _stripped(password: str) -> str:
    """The word under the usual decorations: case, a year or digits at the end, signs around it."""
    core = password.lower().strip("!@#$%^&*()-_=+.~`")
    while core and (core[-1].isdigit() or not core[-1].isalnum()):
        core = core[:-1]
    return core


def _is_sequence(text: str) -> bool:
    lowered = text.lower()
    if len(set(lowered)) <= 2:
        return True
    return any(lowered in row or lowered in row[::-1] for row in _ROWS)


def password_problem(password: str, username: str = "") -> str | None:
    """Why `password` is not acceptable, in a sentence for the clerk; None when it is."""
    if len(password) < MIN_LENGTH:
        return _("密码至少{min_length}位").format(min_length=MIN_LENGTH)
    kinds = sum((any(c.isalpha() for c in password), any(c.isdigit() for c in password),
                 any(not c.isalnum() for c in password)))
    if kinds < 2:
        return _("密码须包含字母、数字、符号中的至少两种")
    lowered = password.lower()
    if username and len(username) >= 3 and username.lower() in lowered:
        return _("密码不能包含用户名")
    # The word under the decorations counts when there is enough of it to be a word people pick.
    decorations = "abcdefghijklmnopqrstuvwxyz!@#$%^&*()-_=+.~`"
    cores = {_stripped(password), lowered.rstrip(decorations), lowered.lstrip(decorations),
             lowered.strip(decorations)}
    if any(c in _COMMON or _is_sequence(c) for c in {lowered, *(c for c in cores if len(c) >= 6)}):
        return _("密码过于常见或有规律（如 123456、qwerty、woaini1314），请换一个")
    return None


def generate_password(length: int = 14) -> str:
    """A random password the policy accepts (one-time passwords, the demo's account)."""
    import secrets
    import string

    alphabet = string.ascii_letters + string.digits + "-_.!"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _unused in range(max(length, MIN_LENGTH)))
        if password_problem(candidate) is None:
            return candidate
