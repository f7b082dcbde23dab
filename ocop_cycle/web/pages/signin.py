"""Sign in, sign out and change password: IDENTITY's services behind plain HTML forms.

The sign-in form has no session yet, so its CSRF token is a double-submit cookie; every
form after it carries the session's own token. Success redirects (POST, then GET);
failure shows the form again with the message next to its field.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError

from ocop_cycle.errors import OcopError
from ocop_cycle.identity import sessions
from ocop_cycle.identity.accounts import change_password
from ocop_cycle.identity.passwords import MIN_LENGTH
from ocop_cycle.identity.signin import authenticate
from ocop_cycle.identity.tokens import new_secret, same
from ocop_cycle.web.deps import SESSION_COOKIE, RuntimeDep, client_address
from ocop_cycle.web.pages.failures import field_errors, said
from ocop_cycle.web.pages.language import local_path
from ocop_cycle.web.pages.rendering import render
from ocop_cycle.web.pages.viewer import csrf_ok, signed_in, to_sign_in

router = APIRouter()
SIGNIN_CSRF_COOKIE = "ocop_signin_csrf"
HOME = "/viec-can-lam"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"
RATE_LIMITED = "Đăng nhập sai quá nhiều lần. Hãy thử lại sau {n} phút."


class SignInForm(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


def _sign_in_page(
    request: Request,
    *,
    username: str = "",
    next_path: str = HOME,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    retry_minutes: int | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    token = request.cookies.get(SIGNIN_CSRF_COOKIE) or new_secret()
    response = render(
        request,
        "auth/sign_in.html",
        {
            "username": username,
            "next": next_path,
            "errors": errors or {},
            "notice": notice,
            "retry_minutes": retry_minutes,
            "csrf": token,
        },
        status_code=status_code,
        headers=headers,
    )
    response.set_cookie(
        SIGNIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/dang-nhap"
    )
    return response


_NOTICES = {
    "da_dang_xuat": "Bạn đã đăng xuất.",
    "da_doi_mat_khau": "Đã đổi mật khẩu. Hãy đăng nhập bằng mật khẩu mới.",
}


@router.get("/dang-nhap", response_class=HTMLResponse)
def sign_in_form(
    request: Request, next_path: Annotated[str | None, Query(alias="next", max_length=500)] = None
) -> Response:
    notice = next((text for flag, text in _NOTICES.items() if flag in request.query_params), None)
    target = local_path(next_path) if next_path else HOME
    return _sign_in_page(request, next_path=target, notice=notice)


@router.post("/dang-nhap", response_class=HTMLResponse)
def sign_in(
    request: Request,
    runtime: RuntimeDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = HOME,
) -> Response:
    target = local_path(next_path)
    expected = request.cookies.get(SIGNIN_CSRF_COOKIE)
    if not expected or not same(csrf_token, expected):
        message = "Phiên của biểu mẫu đã hết; hãy đăng nhập lại"
        return _sign_in_page(
            request, username=username, next_path=target, errors={"form": message}, status_code=403
        )
    try:
        form = SignInForm(username=username.strip(), password=password)
    except ValidationError as invalid:
        return _sign_in_page(
            request,
            username=username,
            next_path=target,
            errors=field_errors(invalid),
            status_code=422,
        )
    address = client_address(request)
    result = authenticate(runtime, form.username, form.password, address)
    if result.retry_after is not None:
        return _sign_in_page(
            request,
            username=form.username,
            next_path=target,
            errors={"form": RATE_LIMITED},
            retry_minutes=max(1, -(-result.retry_after // 60)),
            status_code=429,
            headers={"Retry-After": str(result.retry_after)},
        )
    if result.principal is None:
        return _sign_in_page(
            request,
            username=form.username,
            next_path=target,
            errors={"password": WRONG},
            status_code=401,
        )
    opened = sessions.open_session(runtime, result.principal, address)
    destination = "/doi-mat-khau" if result.principal.must_change_password else target
    response = RedirectResponse(destination, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        opened.session_id,
        httponly=True,
        samesite="lax",
        secure=runtime.settings.cookie_secure,
        path="/",
        max_age=runtime.settings.session_absolute_hours * 3600,
    )
    response.delete_cookie(SIGNIN_CSRF_COOKIE, path="/dang-nhap")
    return response


@router.post("/dang-xuat")
def sign_out(
    request: Request, runtime: RuntimeDep, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    active = signed_in(request, runtime)
    if active is not None and not csrf_ok(active, csrf_token):
        return render(
            request,
            "errors/page.html",
            {
                "title": "Không thực hiện được",
                "message": "Biểu mẫu thiếu mã bảo vệ (CSRF); hãy tải lại trang",
            },
            status_code=403,
        )
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        sessions.close_session(runtime, cookie, client_address(request))
    response = RedirectResponse("/dang-nhap?da_dang_xuat=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


class PasswordForm(BaseModel):
    current: str = Field(min_length=1, max_length=1000)
    new: str = Field(min_length=1, max_length=1000)
    repeat: str = Field(min_length=1, max_length=1000)


@router.get("/doi-mat-khau", response_class=HTMLResponse)
def password_form(request: Request, runtime: RuntimeDep) -> Response:
    active = signed_in(request, runtime)
    if active is None:
        return to_sign_in(request)
    return render(
        request,
        "auth/change_password.html",
        {"me": active, "errors": {}, "min_length": MIN_LENGTH},
        user_language=active.principal.language,
    )


@router.post("/doi-mat-khau", response_class=HTMLResponse)
def password_change(
    request: Request,
    runtime: RuntimeDep,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    active = signed_in(request, runtime)
    if active is None:
        return to_sign_in(request)

    def again(errors: dict[str, str], status_code: int) -> Response:
        return render(
            request,
            "auth/change_password.html",
            {"me": active, "errors": errors, "min_length": MIN_LENGTH},
            status_code=status_code,
            user_language=active.principal.language,
        )

    if not csrf_ok(active, csrf_token):
        return again({"form": "Biểu mẫu thiếu mã bảo vệ (CSRF); hãy tải lại trang"}, 403)
    try:
        form = PasswordForm(current=current, new=new, repeat=repeat)
    except ValidationError as invalid:
        return again(field_errors(invalid), 422)
    if form.new != form.repeat:
        return again({"repeat": "Hai lần nhập mật khẩu mới không giống nhau"}, 422)
    try:
        change_password(
            runtime,
            active.principal.username,
            current=form.current,
            new=form.new,
            address=client_address(request),
        )
    except OcopError as error:
        field = "current" if "current password" in error.message else "new"
        return again({field: said(request, error)}, 422)
    # Every session of this user ended with the change: sign in again with the new password.
    response = RedirectResponse("/dang-nhap?da_doi_mat_khau=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
