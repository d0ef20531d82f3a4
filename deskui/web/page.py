"""The pages `deskui web` serves: the sign-in form (and the one-time password's change) and
the terminal page that opens the desk's websocket. Plain HTML with every visible word from
the catalogs; CJK-friendly fonts first; links relative, so the host works behind a proxy's
path. No external resource: the floor's browsers may reach nothing but this host."""

from __future__ import annotations

import json
from functools import partial
from html import escape

from deskui.i18n import catalog

FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", system-ui, sans-serif'
)
MONO_FONTS = (
    '"Noto Sans Mono CJK SC", "Sarasa Mono SC", "Roboto Mono", Menlo, Consolas, '
    '"Noto Sans CJK SC", "Microsoft YaHei", monospace'
)

_STYLE = f"""
body {{ margin: 0; background: #0c181f; color: #eef3f5; font-family: {FONTS}; }}
main {{ max-width: 26rem; margin: 12vh auto; padding: 2rem; background: #12232d;
        border-radius: 8px; }}
h1 {{ font-size: 1.4rem; margin: 0 0 1.2rem; font-weight: 600; }}
label {{ display: block; margin: 0.9rem 0 0.3rem; }}
input {{ width: 100%; box-sizing: border-box; padding: 0.55rem; font-size: 1rem;
         font-family: inherit; border: 1px solid #3b5565; border-radius: 4px;
         background: #0c181f; color: #eef3f5; }}
button {{ margin-top: 1.4rem; padding: 0.6rem 1.4rem; font-size: 1rem; font-family: inherit;
          background: #2a7ab0; color: #fff; border: none; border-radius: 4px; cursor: pointer; }}
p.message {{ color: #ffb4a8; margin: 1rem 0 0; }}
p.hint {{ color: #b9c8d0; }}
"""


def _words(locale: str) -> dict[str, str]:
    return catalog(locale)


def text(locale: str, key: str, **values: object) -> str:
    template = _words(locale).get(f"web.{key}") or _words(locale).get(key, key)
    return template.format(**values) if values else template


def escaped_text(locale: str, key: str, **values: object) -> str:
    """`text`, escaped for the page's HTML."""
    return escape(text(locale, key, **values))


def _page(locale: str, title: str, body: str) -> str:
    lang = "zh-CN" if locale == "zh-CN" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def sign_in_page(locale: str, *, name: str = "", message: str = "", demo: bool = False) -> str:
    t = partial(escaped_text, locale)
    said = f'<p class="message" id="message">{escape(message)}</p>' if message else ""
    if demo:
        said += f'<p class="hint">{t("demo_hint")}</p>'
    # a desk page that lost its connection and came back to a host that no longer knows
    # its session (the host restarted): say the desk ended, its drafts kept (issue 28)
    said += (
        f'<p class="message" id="desk-gone" hidden>{t("desk_gone")}</p>'
        "<script>if (sessionStorage.getItem('deskui-reattach')) {"
        "sessionStorage.removeItem('deskui-reattach');"
        "document.getElementById('desk-gone').hidden = false; }</script>"
    )
    body = (
        f"<h1>{t('heading')}</h1>"
        '<form method="post" action="sign-in" autocomplete="on">'
        f'<label for="name">{t("name")}</label>'
        f'<input id="name" name="name" value="{escape(name)}" maxlength="80" required '
        'autofocus autocomplete="username">'
        f'<label for="password">{t("password")}</label>'
        '<input id="password" name="password" type="password" maxlength="200" '
        'autocomplete="current-password">'
        f'<button type="submit" id="submit">{t("submit")}</button>{said}</form>'
    )
    return _page(locale, text(locale, "title"), body)


def change_page(locale: str, name: str, *, message: str = "") -> str:
    t = partial(escaped_text, locale)
    said = f'<p class="message" id="message">{escape(message)}</p>' if message else ""
    body = (
        f"<h1>{t('change_heading')}</h1>"
        f'<p class="hint">{t("change_hint", name=name)}</p>'
        '<form method="post" action="password">'
        f'<label for="new">{t("new_password")}</label>'
        '<input id="new" name="new" type="password" maxlength="200" required autofocus '
        'autocomplete="new-password">'
        f'<label for="repeat">{t("repeat")}</label>'
        '<input id="repeat" name="repeat" type="password" maxlength="200" required '
        'autocomplete="new-password">'
        f'<button type="submit" id="submit">{t("change_submit")}</button>{said}</form>'
        f'<form method="post" action="sign-out"><button type="submit">{t("sign_out")}'
        "</button></form>"
    )
    return _page(locale, text(locale, "title"), body)


def notice_page(locale: str, message: str) -> str:
    body = f'<p class="message" id="message">{escape(message)}</p>'
    return _page(locale, text(locale, "title"), body)


def terminal_page(locale: str, name: str, websocket_url: str | None) -> str:
    """The desk in the browser: textual-serve's terminal script (its static files) on a
    websocket at the address the browser used (`location.host`), or at `--public-url`."""
    t = partial(escaped_text, locale)
    fixed = json.dumps(websocket_url)
    lang = "zh-CN" if locale == "zh-CN" else "en"
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>deskui · {escape(name)}</title>
<link rel="stylesheet" href="static/css/xterm.css">
<script>
(function () {{
  // issue 28: a connection that drops (not one the desk or the host closed) is tried again,
  // and the page comes back to the same desk while it waits; a host restarted says so
  sessionStorage.removeItem("deskui-reattach");
  var Native = window.WebSocket;
  function Watched(url, protocols) {{
    var socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    socket.addEventListener("close", function (event) {{
      if (event.code === 1000) return;
      if (event.code === 1012) {{ document.body.classList.add("-restarted"); return; }}
      document.body.classList.add("-reconnecting");
      sessionStorage.setItem("deskui-reattach", "1");
      var tries = 0;
      (function retry() {{
        fetch("./", {{cache: "no-store", credentials: "same-origin"}}).then(function (r) {{
          if (!r.ok) throw new Error("not yet");
          location.reload();
        }}).catch(function () {{ if (++tries < 150) setTimeout(retry, 1000); }});
      }})();
    }});
    return socket;
  }}
  Watched.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) {{ Watched[k] = Native[k]; }});
  window.WebSocket = Watched;
}})();
</script>
<script src="static/js/textual.js"></script>
<style>
body {{ margin: 0; background: #0c181f; color: #eef3f5; font-family: {FONTS}; }}
#terminal {{ position: absolute; inset: 0; }}
.notice {{ position: absolute; inset: 0; display: flex; align-items: center;
           justify-content: center; z-index: 10; flex-direction: column; }}
body.-first-byte .loading {{ display: none; }}
.ended {{ display: none; background: #0c181f; }}
body.-closed .ended {{ display: flex; }}
.reconnecting, .restarted {{ display: none; background: #0c181f; }}
body.-reconnecting .reconnecting {{ display: flex; }}
body.-restarted .restarted {{ display: flex; z-index: 11; }}
button {{ margin: 0.6rem; padding: 0.6rem 1.4rem; font-size: 1rem; font-family: inherit;
          background: #2a7ab0; color: #fff; border: none; border-radius: 4px; cursor: pointer; }}
</style></head>
<body>
<div class="notice loading" id="loading">{t("loading")}</div>
<div class="notice ended" id="ended"><p>{t("ended")}</p>
<button type="button" onclick="location.reload()">{t("restart")}</button>
<form method="post" action="sign-out"><button type="submit">{t("sign_out")}</button></form>
</div>
<div class="notice reconnecting" id="reconnecting"><p>{t("reconnecting")}</p></div>
<div class="notice restarted" id="restarted"><p>{t("restarted")}</p>
<button type="button" onclick="location.reload()">{t("submit")}</button></div>
<div id="terminal" class="textual-terminal" data-font-size="16"></div>
<script>
(function () {{
  var fixed = {fixed};
  var base = new URL("ws", location.href);
  base.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  document.getElementById("terminal").dataset.sessionWebsocketUrl = fixed || base.href;
}})();
</script>
</body></html>
"""
