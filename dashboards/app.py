"""Entry point: ``streamlit run dashboards/app.py`` (or ``taskforce dashboard``).

Sign-in comes first (``dashboards/gate.py``): until a user is signed in, the script shows the sign-in
screen and stops, before any query. Then the user's role decides which pages exist for them, every query
runs with the role's database rights, and every query is recorded in the audit log. The sidebar's own
texts follow the language switch (``dashboards/i18n.py``).
"""

from pathlib import Path

import streamlit as st

from dashboards import audit, auth, filters, gate, i18n

st.set_page_config(
    page_title=i18n.Translator(filters.session_language())("app_page_title"),
    page_icon=":bar_chart:",
    layout="wide",
)

PAGES = Path(__file__).resolve().parent / "pages"

identity = gate.enter()

lang = filters.session_language()  # the page draws the switch below; its value is known already
tr = i18n.Translator(lang)
with st.sidebar:
    st.caption(tr("app_signed_in_as", user=identity.user.name, role=auth.role_label(identity.user, lang)))
    if identity.user.role == "agency":
        st.caption(tr("app_agency_scope", agency=identity.user.agency))
    st.button(tr("auth_sign_out"), on_click=gate.sign_out, key="sign_out")

# the listed pages first, in their order (the first is the default), then any other page file, by name
listed = list(gate.PAGE_ACCESS)
names = sorted(
    (p.stem for p in PAGES.glob("*.py") if not p.stem.startswith("_")),
    key=lambda stem: (stem not in gate.PAGE_ACCESS, listed.index(stem) if stem in listed else 0, stem),
)
pages = []
for name in names:
    if identity.user.role in gate.page_roles(name):
        title = i18n.page_title(name, lang) or gate.page_title(name)
        pages.append(st.Page(str(PAGES / f"{name}.py"), title=title, default=not pages))
if not pages:
    st.title("Indicator reports")
    st.info(gate.DONOR_MESSAGE)
    audit.record_page_view("reports")
    st.stop()

navigation = st.navigation(pages)
# a link to a page opened before sign-in: that page now, with the link's filters
wanted = gate.take_requested_page()
target = next((page for page in pages if wanted and page.url_path == wanted), None)
if target is not None and target.url_path != navigation.url_path:
    st.switch_page(target, query_params=st.query_params.to_dict())
navigation.run()
