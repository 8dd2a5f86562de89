"""Users, roles and scopes: the one write path for creating a login with its profile, and the demo logins."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from doudi.core.divisions import Division, Level, UnknownDivision, yunnan

from .models import Profile, Role


class DemoSetupError(ValueError):
    pass


@transaction.atomic
def create_user(username: str, password: str, role: str, scope: str, **fields: object) -> User:
    """Create or update a login with its role and scope; the profile is validated (scope length per role)."""
    user, _created = User.objects.get_or_create(username=username, defaults=fields)
    for name, value in fields.items():
        setattr(user, name, value)
    user.set_password(password)
    user.save()
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    profile.role, profile.scope = role, scope
    profile.full_clean()
    profile.save()
    return user


def demo_password(role: str) -> str:
    """Deterministic demo passwords, printed on the console by the demo: never use them in production."""
    return f"doudi-{role}-2020"


def _first_village(county: Division) -> Division:
    """A real village committee (村民委员会) of the county, in code order; a community if there is none."""
    gazetteer = yunnan()
    villages = [v for t in gazetteer.children(county.code) for v in gazetteer.children(t.code)]
    if not villages:
        raise DemoSetupError(
            _("%(name)s(%(code)s)下没有村级区划") % {"name": county.name, "code": county.code}
        )
    rural = [v for v in villages if v.name.endswith(("村民委员会", "村委会", "村"))]
    return (rural or villages)[0]


def demo_scopes(county_code: str, village_code: str | None = None) -> dict[Role, str]:
    """The scope each demo role gets for this county; the village (and its township) default to the first one."""
    try:
        county = yunnan().get(county_code)
    except UnknownDivision as exc:
        raise DemoSetupError(str(exc)) from None
    if county.level is not Level.COUNTY:
        raise DemoSetupError(_("%(code)s 不是县级区划代码(应为6位)") % {"code": county_code})
    village = yunnan().get(village_code) if village_code else _first_village(county)
    if not village.code.startswith(county.code) or village.level is not Level.VILLAGE:
        raise DemoSetupError(_("%(code)s 不是该县的村级区划代码") % {"code": village.code})
    return {
        Role.VILLAGE: village.code,
        Role.TOWNSHIP: village.code[:9],
        Role.COUNTY_CIVIL: county.code,
        Role.COUNTY_POVERTY: county.code,
        Role.COUNTY_COMMITTEE: county.code,
        Role.PREFECTURE: county.code[:4],
        Role.PROVINCE: county.code[:2],
        Role.ADMIN: "",
    }


def scope_name(scope: str) -> str:
    """祥云县 for '532923'; 全部 for the empty (admin) scope."""
    return yunnan().get(scope).name if scope else _("全部")


def create_demo_users(county_code: str, village_code: str | None = None) -> list[tuple[str, str, str, str]]:
    """One demo login per role, scoped to the county: [(username, password, role, scope)]. Idempotent."""
    created = []
    for role, scope in demo_scopes(county_code, village_code).items():
        username = "admin" if role is Role.ADMIN else f"{role.value}_{county_code}"
        password = demo_password(role.value)
        staff = role is Role.ADMIN
        create_user(username, password, role.value, scope, is_staff=staff, is_superuser=staff)
        created.append((username, password, role.value, scope))
    return created
