"""Turkish and English for everything the dashboards show: labels, titles, definitions, code values, numbers.

``TEXT`` holds every label and sentence as (English, Turkish); ``Translator(lang)(key, **values)`` gives it
in the chosen language, and a missing key is an error, never an English fallback on the Turkish side.
Code values (sex, form of exploitation, offence, outcome, service, country) take their names from the
project's code lists (``dbt_project/seeds``, read once from disk, so the dashboards need no grant on the
``reference`` schema); the codes those lists do not hold have their names here (``CODES``). Indicator
definitions in English come from the indicator catalogue (``reporting.rpt_indicator_catalogue``, see
``dashboards/ui.py``); their Turkish text is here (``ind_<indicator id>``).

Numbers follow each language: 1,234 and 45% in English, 1.234 and %45 in Turkish.
"""

from __future__ import annotations

import csv
import math
from datetime import date, datetime
from functools import cache
from typing import Any

import pandas as pd

from taskforce.settings import PROJECT_ROOT

LANGUAGES = {"en": "English", "tr": "Türkçe"}
DEFAULT_LANGUAGE = "en"
LANGUAGE_SWITCH_LABEL = "Language / Dil"  # shown in both languages on purpose: it is how one switches
SEEDS = PROJECT_ROOT / "dbt_project" / "seeds"

TEXT: dict[str, tuple[str, str]] = {
    # --- sign-in screen, sign-in errors and the app's sidebar (dashboards/auth.py, gate.py, app.py) ---------
    "auth_sign_in_title": ("Sign in", "Oturum aç"),
    "auth_sign_in_caption": (
        "National Task Force on Human Trafficking: the dashboards show data about victims.",
        "İnsan Ticaretiyle Mücadele Ulusal Görev Gücü: bu panolar mağdurlara ilişkin veriler gösterir.",
    ),
    "auth_user_name": ("User name", "Kullanıcı adı"),
    "auth_password": ("Password", "Parola"),
    "auth_sign_in_button": ("Sign in", "Oturum aç"),
    "auth_wrong_password": ("Wrong user name or password.", "Kullanıcı adı veya parola yanlış."),
    "auth_locked_out": (
        "Too many wrong passwords for this name: wait {minutes} minutes, or ask the administrator.",
        "Bu kullanıcı adı için çok sayıda yanlış parola girildi: {minutes} dakika bekleyin ya da yöneticiye "
        "başvurun.",
    ),
    "auth_no_users": (
        "No dashboard users are set up yet. The administrator adds them with `{command}` (see "
        "docs/security.md).",
        "Henüz hiç pano kullanıcısı tanımlanmamış. Yönetici kullanıcıları `{command}` komutuyla ekler (bkz. "
        "docs/security.md).",
    ),
    "auth_not_recorded": (
        "Signing in is not possible right now: the access cannot be recorded. Try again later.",
        "Şu anda oturum açılamıyor: erişim kayda geçirilemiyor. Daha sonra yeniden deneyin.",
    ),
    "auth_proxy_public": (
        "Proxy sign-in is configured, but the dashboard listens on a public address, where anybody could "
        "send the header: bind it to 127.0.0.1 behind the proxy ({command}).",
        "Vekil sunucu (proxy) üzerinden oturum açma ayarlanmış, ancak pano herkese açık bir adreste dinliyor "
        "ve başlığı orada herkes gönderebilir: panoyu vekil sunucunun arkasında 127.0.0.1 adresine bağlayın "
        "({command}).",
    ),
    "auth_not_signed_in": (
        "You are not signed in, or your account has no dashboard role. Ask the administrator.",
        "Oturum açmadınız ya da hesabınıza bir pano rolü verilmemiş. Yöneticiye başvurun.",
    ),
    "auth_oidc_no_section": (
        "{variable}=oidc, but the dashboard's secrets.toml has no [auth] section (see docs/security.md).",
        "{variable}=oidc ayarlanmış, ancak panonun secrets.toml dosyasında [auth] bölümü yok (bkz. "
        "docs/security.md).",
    ),
    "auth_oidc_no_authlib": (
        "OpenID Connect sign-in needs the Authlib package, which is not installed on this server "
        "({command}). Ask the administrator.",
        "OpenID Connect ile oturum açmak Authlib paketini gerektirir; bu paket sunucuda kurulu değil "
        "({command}). Yöneticiye başvurun.",
    ),
    "auth_oidc_button": ("Sign in with your organisation's account", "Kurumunuzun hesabıyla oturum açın"),
    "auth_no_role": (
        "Your account has no dashboard role. Ask the administrator to add it.",
        "Hesabınıza bir pano rolü verilmemiş. Yöneticiden eklemesini isteyin.",
    ),
    "auth_sign_out": ("Sign out", "Oturumu kapat"),
    "auth_method_invalid": (
        "{variable} must be one of {methods}; it is '{method}'",
        "{variable} şunlardan biri olmalı: {methods}; şu anki değeri '{method}'",
    ),
    "auth_no_group_role": (
        "the database has no role {group}: run `taskforce db init` (it creates the roles)",
        "veritabanında {group} rolü yok: `taskforce db init` komutunu çalıştırın (rolleri bu komut "
        "oluşturur)",
    ),
    "auth_unreachable": (
        "the warehouse cannot be reached with this role's database login; try again in a moment, and tell "
        "the administrator if it persists",
        "veri ambarına bu rolün veritabanı girişiyle ulaşılamıyor; biraz sonra yeniden deneyin, sorun "
        "sürerse yöneticiye bildirin",
    ),
    "auth_login_bypasses": (
        "the database login for {group} is a superuser or bypasses row-level security",
        "{group} rolünün veritabanı girişi süper kullanıcı ya da satır düzeyi güvenliği atlıyor",
    ),
    "auth_login_not_member": (
        "the database login for {group} is not a member of {role}",
        "{group} rolünün veritabanı girişi {role} grubunun üyesi değil",
    ),
    "auth_login_owns": (
        "the database login for {group} may change or own the warehouse (loader, builder or database "
        "owner): give the dashboard a login that is only a member of its group",
        "{group} rolünün veritabanı girişi veri ambarını değiştirebiliyor ya da ona sahip (loader, builder "
        "veya veritabanı sahibi): panoya yalnızca kendi grubunun üyesi olan bir giriş verin",
    ),
    "auth_agency_needs_postgres": (
        "Agency accounts need the PostgreSQL warehouse, where row-level security shows each agency only its "
        "own records. This dashboard runs on the embedded DuckDB warehouse, which has no row-level "
        "security, so it serves coordinator and donor accounts only.",
        "Kurum hesapları, satır düzeyi güvenliğin her kuruma yalnızca kendi kayıtlarını gösterdiği "
        "PostgreSQL veri ambarını gerektirir. Bu pano satır düzeyi güvenliği olmayan gömülü DuckDB veri "
        "ambarıyla çalışıyor; bu yüzden yalnızca koordinatör ve donör hesaplarına hizmet verir.",
    ),
    "auth_no_login_for_role": (
        "The dashboard has no database login for the {role} role: the administrator must set {variable} "
        "(see docs/security.md).",
        "Panonun {role} rolü için veritabanı girişi yok: yöneticinin {variable} değişkenini ayarlaması "
        "gerekir (bkz. docs/security.md).",
    ),
    "auth_owner_login": (
        "{variable} uses the same database login as the warehouse owner; the dashboard needs the role's own "
        "login (see docs/security.md).",
        "{variable}, veri ambarının sahibiyle aynı veritabanı girişini kullanıyor; pano, rolün kendi "
        "girişini kullanmalı (bkz. docs/security.md).",
    ),
    "auth_role_coordinator": ("coordinator", "koordinatör"),
    "auth_role_agency": ("agency", "kurum"),
    "auth_role_donor": ("donor", "donör"),
    "gate_key_in_secrets": (
        "The dashboard's secrets.toml holds a pseudonymization key. The dashboards never need it: remove it "
        "from that file (and rotate it, see docs/security.md) before the dashboard can start.",
        "Panonun secrets.toml dosyasında bir takma ad (pseudonymization) anahtarı var. Panoların bu "
        "anahtara hiç ihtiyacı yok: pano başlamadan önce anahtarı o dosyadan çıkarın (ve yenileyin, bkz. "
        "docs/security.md).",
    ),
    "gate_config_error": ("Configuration error: {problem}", "Yapılandırma hatası: {problem}"),
    "gate_page_denied": (
        "The {page} page is not available to {role} accounts.",
        "{page} sayfası {role} hesaplarına açık değil.",
    ),
    "app_page_title": ("Task Force on Human Trafficking", "İnsan Ticaretiyle Mücadele Görev Gücü"),
    "app_signed_in_as": ("Signed in as **{user}** ({role})", "Oturum açan: **{user}** ({role})"),
    "app_agency_scope": (
        "Figures count only the records sent by your agency ({agency}).",
        "Rakamlar yalnızca kurumunuzun ({agency}) gönderdiği kayıtları sayar.",
    ),
    # --- end of the sign-in block --------------------------------------------------------------------------
    # --- pages ---------------------------------------------------------------------------------------------
    "title_overview": (
        "National Task Force on Human Trafficking",
        "İnsan Ticaretiyle Mücadele Ulusal Görev Gücü",
    ),
    "title_identifications": ("Identifications", "Mağdur tespitleri"),
    "title_pathway": ("Victim pathway", "Mağdurun izlediği yol"),
    "title_justice": ("Justice", "Adalet"),
    "title_returns": ("Returns and reintegration", "Geri dönüş ve yeniden uyum"),
    "title_prevention": ("Prevention and capacity", "Önleme ve kapasite"),
    "title_coordination": ("Interagency coordination", "Kurumlar arası koordinasyon"),
    "title_data_health": ("Data health", "Veri sağlığı"),
    "nav_overview": ("Overview", "Genel bakış"),
    "nav_identifications": ("Identifications", "Mağdur tespitleri"),
    "nav_pathway": ("Victim pathway", "Mağdurun izlediği yol"),
    "nav_justice": ("Justice", "Adalet"),
    "nav_returns": ("Returns and reintegration", "Geri dönüş ve yeniden uyum"),
    "nav_prevention": ("Prevention and capacity", "Önleme ve kapasite"),
    "nav_coordination": ("Interagency coordination", "Kurumlar arası koordinasyon"),
    "nav_data_health": ("Data health", "Veri sağlığı"),
    "title_reports": ("Indicator reports", "Gösterge raporları"),
    "nav_reports": ("Indicator reports", "Gösterge raporları"),
    # --- the donor report page (dashboards/pages/reports.py) -------------------------------------------
    "reports_donor_intro": (
        "Donor accounts see the published indicator reports, with disclosure control applied: the tables "
        "below are the donor report's released tables, exactly as the report releases them, for one "
        "report year at a time. The person-level pages of this dashboard are not available to donor "
        "accounts.",
        "Bağışçı hesapları yayımlanan gösterge raporlarını, ifşa denetimi uygulanmış olarak görür: "
        "aşağıdaki tablolar bağışçı raporunun yayımlanan tablolarıdır, rapordakiyle birebir aynıdır ve "
        "her seferinde bir rapor yılı içindir. Bu panonun kişi düzeyindeki sayfaları bağışçı hesaplarına "
        "açık değildir.",
    ),
    "reports_year": ("Report year", "Rapor yılı"),
    "reports_year_help": (
        "The years the warehouse publishes. The report has no other filter, so that no hidden cell can be "
        "worked out by comparing two views.",
        "Veri ambarının yayımladığı yıllar. Raporun başka filtresi yoktur; böylece iki görünüm "
        "karşılaştırılarak gizlenen bir hücre bulunamaz.",
    ),
    "reports_subtitle": (
        "Report year {year}. Build {build}. Threshold {threshold}.",
        "Rapor yılı {year}. Derleme {build}. Eşik {threshold}.",
    ),
    "reports_legend": ("Legend: {legend}", "Açıklama: {legend}"),
    "reports_language_note": (
        "The tables are shown as the report releases them, with their English headings.",
        "Tablolar raporda yayımlandıkları gibi, İngilizce başlıklarıyla gösterilir.",
    ),
    "reports_downloads": ("Download the report", "Raporu indir"),
    "reports_download_xlsx": ("Excel workbook (XLSX)", "Excel çalışma kitabı (XLSX)"),
    "reports_download_pdf": ("PDF document", "PDF belgesi"),
    "reports_download_csv": ("CSV files (ZIP)", "CSV dosyaları (ZIP)"),
    "reports_download_note": (
        "Each download is recorded in the audit log with your user name.",
        "Her indirme, kullanıcı adınızla denetim kaydına yazılır.",
    ),
    "reports_no_export": (
        "Downloads of the report are for coordinator and donor accounts.",
        "Raporun indirilmesi koordinatör ve bağışçı hesaplarına açıktır.",
    ),
    "reports_documentation": ("Methodology, notes and data vintage", "Yöntem, notlar ve veri dönemi"),
    "reports_unavailable": (
        "The report cannot be made from this warehouse: {problem}",
        "Rapor bu veri ambarından hazırlanamıyor: {problem}",
    ),
    "reports_refused": (
        "The report did not pass disclosure control, so nothing of it is shown. Tell the Task Force "
        "secretariat.",
        "Rapor ifşa denetiminden geçemedi, bu nedenle hiçbir bölümü gösterilmiyor. Görev Gücü "
        "sekreteryasına bildirin.",
    ),
    # --- shared --------------------------------------------------------------------------------------------
    "no_build": (
        "No warehouse has been built yet. Run `taskforce demo`, or `taskforce ingest` and `taskforce build`.",
        "Henüz veri ambarı oluşturulmadı. `taskforce demo` ya da `taskforce ingest` ve `taskforce build` "
        "komutlarını çalıştırın.",
    ),
    "no_data_yet": (
        "The warehouse is built but holds no data yet.",
        "Veri ambarı oluşturuldu ancak henüz veri içermiyor.",
    ),
    "empty": ("No data for this filter.", "Bu filtre için veri yok."),
    "show_table": ("Show the table", "Tabloyu göster"),
    "download_csv": ("Download this table (CSV)", "Bu tabloyu indir (CSV)"),
    "filters": ("Filters", "Filtreler"),
    "period": ("Period (years)", "Dönem (yıllar)"),
    "region": ("NUTS-1 region", "İBBS Düzey 1 bölgesi"),
    "all_regions": ("All regions", "Tüm bölgeler"),
    "provinces": ("Provinces", "İller"),
    "nationality": ("Nationality", "Uyruk"),
    "sex": ("Sex", "Cinsiyet"),
    "age_group": ("Age group", "Yaş grubu"),
    "exploitation_type": ("Form of exploitation", "Sömürü türü"),
    "all": ("All", "Tümü"),
    "reset_filters": ("Reset filters", "Filtreleri sıfırla"),
    "filter_province": ("province or region", "il veya bölge"),
    "filter_nationality": ("nationality", "uyruk"),
    "filter_sex": ("sex", "cinsiyet"),
    "filter_age_group": ("age group", "yaş grubu"),
    "filter_exploitation_type": ("form of exploitation", "sömürü türü"),
    "filters_not_applied": (
        "Filters that do not apply to the data on this page: {names}.",
        "Bu sayfadaki verilere uygulanamayan filtreler: {names}.",
    ),
    "headline_numbers": ("Headline numbers, {period}", "Temel rakamlar, {period}"),
    "compared_with": ("Changes are against {period}.", "Değişimler {period} dönemine göredir."),
    "points": ("{value} pts", "{value} puan"),
    "granularity_year": ("Year", "Yıl"),
    "granularity_quarter": ("Quarter", "Çeyrek"),
    "granularity_month": ("Month", "Ay"),
    "all_agencies": ("All agencies", "Tüm kurumlar"),
    "other_countries": ("Other countries", "Diğer ülkeler"),
    "article_short": ("Art.", "md."),
    "unknown_value": ("Unknown", "Bilinmiyor"),
    "see_indicator": (
        "Counts {indicator} ({name}), defined above.",
        "Sayılan: {indicator} ({name}), tanımı yukarıda.",
    ),
    # --- columns -------------------------------------------------------------------------------------------
    "col_code": ("Code", "Kod"),
    "col_persons": ("Persons", "Kişi"),
    "col_sex": ("Sex", "Cinsiyet"),
    "col_age_group": ("Age group", "Yaş grubu"),
    "col_exploitation_type": ("Form of exploitation", "Sömürü türü"),
    "col_agency": ("Agency", "Kurum"),
    "col_referral_source": ("Referral source", "Yönlendirme kaynağı"),
    "col_country": ("Country", "Ülke"),
    "col_province": ("Province", "İl"),
    "col_plate_code": ("Plate code", "Plaka kodu"),
    "col_region": ("NUTS-1 region", "İBBS-1 bölgesi"),
    "col_indicator": ("Indicator", "Gösterge"),
    "col_unit": ("Unit", "Birim"),
    "col_baseline": ("Baseline", "Başlangıç değeri"),
    "col_baseline_year": ("Baseline year", "Başlangıç yılı"),
    "col_target": ("Target", "Hedef"),
    "col_target_year": ("Target year", "Hedef yılı"),
    "col_latest": ("Latest value", "Son değer"),
    "col_latest_year": ("Latest year", "Son yıl"),
    "col_change_previous_year": ("Change on the year before", "Bir önceki yıla göre değişim"),
    "col_progress": ("Progress", "İlerleme"),
    "col_step": ("Step", "Aşama"),
    "col_share_of_identified": ("Share of identified", "Tespit edilenler içindeki pay"),
    "col_from": ("From", "Gönderen"),
    "col_to": ("To", "Alan"),
    "col_from_code": ("From (code)", "Gönderen (kod)"),
    "col_to_code": ("To (code)", "Alan (kod)"),
    "col_median_days": ("Median days", "Medyan gün"),
    "col_verdicts": ("First-instance verdicts", "İlk derece kararları"),
    "col_convictions": ("Convictions", "Mahkûmiyetler"),
    "col_rate_percent": ("Conviction rate (%)", "Mahkûmiyet oranı (%)"),
    "col_filing_year": ("Year of indictment", "İddianame yılı"),
    "col_cases": ("Cases", "Davalar"),
    "col_cases_decided": ("Cases decided", "Karara bağlanan davalar"),
    "col_sentence_band": ("Sentence", "Ceza"),
    "col_court_province": ("Court province", "Mahkemenin bulunduğu il"),
    "col_article": ("Article", "Madde"),
    "col_offence": ("Offence", "Suç"),
    "col_destination": ("Country of return", "Dönülen ülke"),
    "col_share_percent": ("Share (%)", "Pay (%)"),
    "col_with_reintegration": ("With reintegration support", "Yeniden uyum desteği alan"),
    "col_return_type": ("Type of return", "Dönüş türü"),
    "col_call_language": ("Language", "Dil"),
    "col_call_category": ("Category", "Kategori"),
    "col_call_outcome": ("Outcome", "Sonuç"),
    "col_caller_type": ("Caller", "Arayan"),
    "col_conversion_percent": ("Led to an identification (%)", "Tespitle sonuçlanan (%)"),
    "col_participant_agency": ("Participants' agency", "Katılımcıların kurumu"),
    "col_activity": ("Activity", "Faaliyet"),
    "col_outside_percent": ("Outside the main centres (%)", "Büyük kentler dışı (%)"),
    "col_inspections": ("Inspections", "Denetimler"),
    "col_with_indicators": ("With trafficking indicators", "İnsan ticareti göstergesi bulunan"),
    "col_referred_to_police": ("Reported to the police", "Kolluğa bildirilen"),
    "col_workers_checked": ("Workers checked", "Kontrol edilen işçi"),
    "col_sector": ("Sector", "Sektör"),
    "col_actions": ("Actions", "Eylemler"),
    "col_action_type": ("Type of action", "Eylem türü"),
    "col_accepted": ("Accepted", "Kabul edilen"),
    "col_accepted_percent": ("Accepted (%)", "Kabul edilen (%)"),
    "col_receiving_agency": ("Receiving agency", "Alan kurum"),
    "col_sent": ("Referrals made", "Yapılan yönlendirmeler"),
    "col_received": ("Referrals received", "Alınan yönlendirmeler"),
    "col_service_requested": ("Service requested", "İstenen hizmet"),
    "col_source": ("Extract", "Veri dosyası"),
    "col_sources": ("Extracts", "Veri dosyaları"),
    "col_frequency": ("Reporting frequency", "Raporlama sıklığı"),
    "col_last_received": ("Last extract received", "Son alınan dosya"),
    "col_covered_until": ("Data up to", "Verinin kapsadığı son gün"),
    "col_expected": ("Periods expected", "Beklenen dönem"),
    "col_received_reports": ("Periods received", "Alınan dönem"),
    "col_on_time": ("Received on time", "Zamanında alınan"),
    "col_status": ("Status", "Durum"),
    "col_rows_loaded": ("Rows loaded", "Yüklenen satır"),
    "col_rows_quarantined": ("Rows quarantined", "Karantinaya alınan satır"),
    "col_periods_missing": ("Periods missing", "Eksik dönem"),
    "col_periods_late": ("Periods late", "Geciken dönem"),
    "col_rule": ("Rule", "Kural"),
    "col_rule_id": ("Rule id", "Kural no"),
    "col_column": ("Column", "Sütun"),
    "col_left_value": ("Left side", "Sol taraf"),
    "col_operator": ("Condition", "Koşul"),
    "col_right_value": ("Right side", "Sağ taraf"),
    "col_description": ("What the rule checks", "Kuralın denetlediği"),
    "col_field": ("Field", "Alan"),
    "col_rows_total": ("Rows", "Satır"),
    "col_rows_known": ("Rows with a known value", "Değeri bilinen satır"),
    "col_completeness": ("Complete (%)", "Doluluk (%)"),
    "col_file": ("File", "Dosya"),
    "col_received_at": ("Received", "Alındığı zaman"),
    "col_problem": ("Why it was refused", "Reddedilme nedeni"),
    # --- overview ------------------------------------------------------------------------------------------
    "victims_identified": ("Victims identified", "Tespit edilen mağdurlar"),
    "presumed_victims": ("Presumed victims", "Olası mağdurlar"),
    "assisted_returns": ("Assisted returns", "Destekli geri dönüşler"),
    "returns_with_reintegration": (
        "Returns with reintegration support",
        "Yeniden uyum desteği alan dönüşler",
    ),
    "share_female": (
        "Women and girls among identified victims",
        "Tespit edilen mağdurlar içinde kadın ve kız çocukları",
    ),
    "share_children": ("Children among identified victims", "Tespit edilen mağdurlar içinde çocuklar"),
    "def_assisted_returns": (
        "Assisted returns: return cases assisted by IOM with departure in the period (a person who returned "
        "twice counts twice). Only active extracts count; rows that broke the extract contract are held in "
        "quarantine.",
        "Destekli geri dönüşler: IOM'un desteklediği ve ülkeden ayrılışı dönem içinde olan geri dönüş "
        "vakaları (iki kez dönen kişi iki kez sayılır). Yalnızca geçerli veri dosyaları sayılır; veri "
        "sözleşmesine uymayan satırlar karantinada tutulur.",
    ),
    "trend_by": ("Trend by", "Eğilim"),
    "trend_title": ("Trend by {by}", "Eğilim ({by} bazında)"),
    "def_trend": (
        "Victims identified: distinct persons formally identified in each period (a person identified in two "
        "periods counts in each). Assisted returns: return cases by date of departure.",
        "Tespit edilen mağdurlar: her dönemde resmi olarak tespit edilen farklı kişiler (iki dönemde tespit "
        "edilen kişi her ikisinde sayılır). Destekli geri dönüşler: ayrılış tarihine göre geri dönüş "
        "vakaları.",
    ),
    "logframe_title": (
        "Logframe: baseline, target and latest value",
        "Mantıksal çerçeve: başlangıç, hedef ve son değer",
    ),
    "def_logframe": (
        "National yearly totals of every indicator of the Task Force's catalogue, computed from the marts "
        "(before the rounding of donor reports); only the period filter applies. The baseline is the "
        "plan's, or "
        "else the value measured in the baseline year. Progress compares the latest year of the period with "
        "the "
        "target, or else with the baseline in the direction the plan wants.",
        "Görev Gücü gösterge kataloğundaki her göstergenin ulusal yıllık toplamı; veri ambarından hesaplanır "
        "(bağışçı raporlarındaki yuvarlamadan önce). Yalnızca dönem filtresi uygulanır. Başlangıç değeri "
        "eylem planında belirtilen değerdir; yoksa başlangıç yılında ölçülen değerdir. İlerleme, dönemin son "
        "yılını hedefle, hedef yoksa planın istediği yönde başlangıç değeriyle karşılaştırır.",
    ),
    # --- identifications ----------------------------------------------------------------------------------
    "identification_records": ("Identification records", "Tespit kayıtları"),
    "def_breakdowns": (
        "In each breakdown a person is counted once per category; a person recorded in two categories (for "
        "example identified by two agencies) counts in each.",
        "Her kırılımda bir kişi her kategoride bir kez sayılır; iki kategoride kaydı olan kişi (örneğin iki "
        "kurumca tespit edilen) her birinde sayılır.",
    ),
    "def_exploitation_multi": (
        "A victim may have several forms of exploitation and counts in each, so the forms add up to more "
        "than the "
        "total.",
        "Bir mağdurun birden çok sömürü türü olabilir ve her birinde sayılır; bu yüzden türlerin toplamı "
        "genel "
        "toplamı aşar.",
    ),
    "by_sex": ("By sex", "Cinsiyete göre"),
    "by_age_group": ("By age group", "Yaş grubuna göre"),
    "by_exploitation_type": ("By form of exploitation", "Sömürü türüne göre"),
    "by_identifying_agency": ("By identifying agency", "Tespit eden kuruma göre"),
    "by_referral_source": ("By referral source", "Yönlendirme kaynağına göre"),
    "top_nationalities": ("Top {n} nationalities", "En sık {n} uyruk"),
    "nationalities_over_time": ("Top {n} nationalities over time", "Yıllara göre en sık {n} uyruk"),
    "map_title": ("Victims identified by province", "İllere göre tespit edilen mağdurlar"),
    "def_map": (
        "Distinct persons formally identified in the province of identification. Each point is a province "
        "centre, sized by the number of victims; grey points are provinces without identifications. The map "
        "is "
        "drawn from the provinces' coordinates alone (no map service).",
        "Tespitin yapıldığı ile göre resmi olarak tespit edilen farklı kişiler. Her nokta bir il merkezidir "
        "ve "
        "büyüklüğü mağdur sayısını gösterir; gri noktalar tespit olmayan illerdir. Harita yalnızca illerin "
        "koordinatlarıyla çizilir (harita hizmeti kullanılmaz).",
    ),
    # --- pathway -------------------------------------------------------------------------------------------
    "pathway_cohort": (
        "Persons first identified in {period}",
        "{period} döneminde ilk kez tespit edilen kişiler",
    ),
    "persons_identified": ("Persons identified", "Tespit edilen kişiler"),
    "share_referred": ("Referred", "Yönlendirilen"),
    "share_assisted": ("Assisted (shelter or health care)", "Destek alan (barınma veya sağlık)"),
    "share_returned": ("Returned", "Geri dönen"),
    "median_days_to_assistance": ("Median days to first assistance", "İlk desteğe kadar medyan gün"),
    "def_pathway_cohort": (
        "Persons formally identified whose first identification falls in the period, followed through every "
        "agency's records by their pseudonymous person key, whenever the later steps happened.",
        "İlk tespiti dönem içinde olan, resmi olarak tespit edilmiş kişiler; sonraki aşamalar ne zaman "
        "olursa "
        "olsun, takma adlı kişi anahtarıyla tüm kurumların kayıtlarında izlenir.",
    ),
    "pathway_funnel": ("Share reaching each step", "Her aşamaya ulaşanların payı"),
    "def_pathway_funnel": (
        "Persons with at least one record of the step, as a share of the persons identified. The steps are "
        "not "
        "nested: a person may receive health care without a recorded referral.",
        "Aşamaya ilişkin en az bir kaydı olan kişilerin tespit edilenlere oranı. Aşamalar iç içe değildir: "
        "bir "
        "kişi kayıtlı bir yönlendirme olmadan sağlık hizmeti alabilir.",
    ),
    "step_identified": ("Identified", "Tespit edildi"),
    "step_referred": ("Referred", "Yönlendirildi"),
    "step_sheltered": ("Admitted to a shelter", "Sığınma evine kabul edildi"),
    "step_health": ("Received health care", "Sağlık hizmeti aldı"),
    "step_assisted": (
        "Assisted (shelter, health care or return)",
        "Destek aldı (barınma, sağlık veya dönüş)",
    ),
    "step_returned": ("Returned", "Geri döndü"),
    "step_reintegration": ("Reintegration support", "Yeniden uyum desteği"),
    "pathway_flow": ("Where they stopped", "Nerede kaldılar"),
    "def_pathway_flow": (
        "The furthest step each person reached: identified only, referred, assisted (shelter or health "
        "care), "
        "returned; returned persons by reintegration support.",
        "Her kişinin ulaştığı en ileri aşama: yalnızca tespit, yönlendirme, destek (barınma veya sağlık), "
        "geri "
        "dönüş; geri dönenler yeniden uyum desteğine göre.",
    ),
    "stage_identified": ("Identified", "Tespit edildi"),
    "stage_referred": ("Referred", "Yönlendirildi"),
    "stage_assisted": ("Assisted", "Destek aldı"),
    "stage_returned": ("Returned", "Geri döndü"),
    "stage_recorded_only": ("Recorded only", "Yalnızca kayıtlı"),
    "stopped_identified": ("Stopped after identification", "Tespitten sonra kaldı"),
    "stopped_referred": ("Stopped after referral", "Yönlendirmeden sonra kaldı"),
    "stopped_assisted": ("Assisted, not returned", "Destek aldı, dönmedi"),
    "with_reintegration": ("With reintegration support", "Yeniden uyum desteğiyle"),
    "without_reintegration": ("Without reintegration support", "Yeniden uyum desteği olmadan"),
    "pathway_days": ("Median days between the steps", "Aşamalar arasındaki medyan gün"),
    "def_pathway_days": (
        "Here: the median, not the average, of the whole days from the first identification to each step "
        "(and "
        "from the first referral to the first assistance), over the persons with both dates in that order.",
        "Burada: ilk tespitten her aşamaya (ve ilk yönlendirmeden ilk desteğe) geçen tam gün sayısının "
        "ortalaması değil medyanı; her iki tarihi bu sırayla olan kişiler üzerinden.",
    ),
    "days_referral": ("Identification to first referral", "Tespitten ilk yönlendirmeye"),
    "days_shelter": ("Identification to first shelter admission", "Tespitten ilk sığınma evi kabulüne"),
    "days_health": ("Identification to first health service", "Tespitten ilk sağlık hizmetine"),
    "days_assistance": ("Identification to first assistance", "Tespitten ilk desteğe"),
    "days_return": ("Identification to return", "Tespitten geri dönüşe"),
    "days_referral_to_assistance": ("First referral to first assistance", "İlk yönlendirmeden ilk desteğe"),
    "pathway_by_agency": (
        "Furthest step by identifying agency",
        "Tespit eden kuruma göre ulaşılan en ileri aşama",
    ),
    "def_pathway_by_agency": (
        "Persons by the agency of their first identification and the furthest step they reached.",
        "Kişiler, ilk tespiti yapan kuruma ve ulaştıkları en ileri aşamaya göre.",
    ),
    # --- justice -------------------------------------------------------------------------------------------
    "suspects_detained": ("Suspects detained", "Gözaltına alınan şüpheliler"),
    "persons_prosecuted": ("Persons prosecuted", "Kovuşturulan kişiler"),
    "persons_decided": ("Decided", "Karara bağlanan"),
    "persons_convicted": ("Convicted", "Mahkûm edilen"),
    "conviction_rate": ("Conviction rate (first instance)", "Mahkûmiyet oranı (ilk derece)"),
    "median_days_to_decision": ("Median days to first decision", "İlk karara kadar medyan gün"),
    "def_justice_headline": (
        "Suspects: distinct persons detained by the police in the period. Persons prosecuted: distinct "
        "defendants of indictments filed in the period (P3); of them, those with any decision and those "
        "whose "
        "final decision is a conviction. Court province and Penal Code article are those of the indictment.",
        "Şüpheliler: dönem içinde polisçe gözaltına alınan farklı kişiler. Kovuşturulan kişiler: dönem "
        "içinde "
        "düzenlenen iddianamelerdeki farklı sanıklar (P3); bunlardan hakkında herhangi bir karar verilenler "
        "ve "
        "son kararı mahkûmiyet olanlar. Mahkemenin ili ve Türk Ceza Kanunu maddesi iddianamedeki gibidir.",
    ),
    "justice_chain": ("From suspect to conviction", "Şüpheliden mahkûmiyete"),
    "def_justice_chain": (
        "Suspects detained in the period (police), then the defendants of indictments filed in the period "
        "(Ministry of Justice), those of them decided and those convicted. The first step and the others "
        "count "
        "different files, so the chain shows orders of magnitude, not one cohort.",
        "Dönem içinde gözaltına alınan şüpheliler (polis), ardından dönem içinde düzenlenen iddianamelerdeki "
        "sanıklar (Adalet Bakanlığı), bunlardan karara bağlananlar ve mahkûm edilenler. İlk aşama ile "
        "diğerleri farklı dosyalardan sayılır; zincir tek bir grubu değil büyüklükleri gösterir.",
    ),
    "justice_suspects": ("Suspects detained", "Gözaltına alınan şüpheliler"),
    "justice_prosecuted": ("Prosecuted", "Kovuşturulan"),
    "justice_decided": ("Decided", "Karara bağlanan"),
    "justice_convicted": ("Convicted", "Mahkûm edilen"),
    "conviction_rate_by_year": ("Conviction rate by year", "Yıllara göre mahkûmiyet oranı"),
    "days_to_decision_by_year": (
        "Days from indictment to first decision",
        "İddianameden ilk karara kadar geçen gün",
    ),
    "def_days_to_decision": (
        "Median days from a case's first indictment to its first decision, by the year of the indictment; "
        "cases "
        "not yet decided are left out (the number decided is in the table).",
        "Davanın ilk iddianamesinden ilk kararına kadar geçen medyan gün, iddianame yılına göre; henüz "
        "karara "
        "bağlanmamış davalar dahil edilmez (karara bağlananların sayısı tabloda).",
    ),
    "sentence_distribution": ("Sentences at first instance", "İlk derece mahkûmiyetlerinde cezalar"),
    "def_sentences": (
        "First-instance convictions given in the period by length of the prison sentence.",
        "Dönem içinde verilen ilk derece mahkûmiyet kararları, hapis cezasının süresine göre.",
    ),
    "by_court_province": ("Top {n} court provinces", "En çok davanın görüldüğü {n} il"),
    "def_by_court_province": (
        "Here: defendants by the province of the court; convicted: their final decision is a conviction.",
        "Burada: sanıklar mahkemenin bulunduğu ile göre; mahkûm edilen: son kararı mahkûmiyet olanlar.",
    ),
    "by_offence": ("By offence", "Suça göre"),
    "def_by_offence": (
        "Here: defendants by the offence of the indictment (article of the Turkish Penal Code).",
        "Burada: sanıklar iddianamedeki suça göre (Türk Ceza Kanunu maddesi).",
    ),
    # --- returns -------------------------------------------------------------------------------------------
    "persons_returned": ("Persons returned", "Geri dönen kişiler"),
    "returns_identified_first": ("Returns of identified victims", "Tespit edilmiş mağdurların dönüşleri"),
    "returns_by_destination": (
        "Returns by country of return (top {n})",
        "Dönülen ülkeye göre dönüşler (ilk {n})",
    ),
    "def_returns_by_destination": (
        "Assisted return cases by year of departure and country of return; the other countries are grouped.",
        "Destekli geri dönüş vakaları, ayrılış yılına ve dönülen ülkeye göre; diğer ülkeler birlikte "
        "gösterilir.",
    ),
    "reintegration_by_year": ("Share with reintegration support", "Yeniden uyum desteği alanların payı"),
    "def_returns_cases": (
        "Here counted over return cases (a person who returned twice counts twice).",
        "Burada geri dönüş vakaları üzerinden sayılır (iki kez dönen kişi iki kez sayılır).",
    ),
    "returns_by_type": ("By type of return", "Dönüş türüne göre"),
    "returns_by_sex_age": ("By sex and age group", "Cinsiyet ve yaş grubuna göre"),
    # --- prevention ----------------------------------------------------------------------------------------
    "helpline_title": ("157 helpline, {period}", "157 yardım hattı, {period}"),
    "helpline_calls": ("Helpline calls", "Yardım hattı çağrıları"),
    "calls_referred": ("Referred for identification", "Tespit için yönlendirilen"),
    "calls_led_to_identification": ("Led to an identification", "Tespitle sonuçlanan"),
    "conversion_rate": ("Referrals that led to an identification", "Tespitle sonuçlanan yönlendirmeler"),
    "calls_by_language": ("Calls by language", "Dile göre çağrılar"),
    "calls_by_category": ("Calls by category", "Kategoriye göre çağrılar"),
    "calls_by_outcome": ("Calls by outcome", "Sonuca göre çağrılar"),
    "calls_by_caller": ("Calls by caller", "Arayana göre çağrılar"),
    "calls_conversion_by_year": ("From call to identification, by year", "Çağrıdan tespite, yıllara göre"),
    "trainings_title": ("Trainings, {period}", "Eğitimler, {period}"),
    "training_sessions": ("Training sessions", "Eğitim oturumları"),
    "people_trained": ("People trained", "Eğitim alan kişiler"),
    "women_trained": ("Women trained", "Eğitim alan kadınlar"),
    "men_trained": ("Men trained", "Eğitim alan erkekler"),
    "trained_by_agency_sex": ("People trained by agency and sex", "Kuruma ve cinsiyete göre eğitim alanlar"),
    "def_trained_by_agency": (
        "Here by the participants' agency; a session with several audiences counts once for each agency.",
        "Burada katılımcıların kurumuna göre; birden çok kurumdan katılımcısı olan oturum her kurum için "
        "bir kez "
        "sayılır.",
    ),
    "outside_centres_title": (
        "Activity outside the main urban centres",
        "Büyük kentler dışındaki faaliyetler",
    ),
    "def_outside_centres": (
        "Helpline calls about a province, training sessions and labour inspections held in the main urban "
        "centres ({centres}) or elsewhere; calls without a province are left out.",
        "Bir ille ilgili yardım hattı çağrıları, eğitim oturumları ve iş teftişleri; büyük kentlerde "
        "({centres}) "
        "ya da başka yerlerde. İli belirtilmeyen çağrılar dahil edilmez.",
    ),
    "in_main_centres": ("In the main urban centres", "Büyük kentlerde"),
    "outside_main_centres": ("Outside them", "Büyük kentler dışında"),
    "activity_calls": ("Helpline calls", "Yardım hattı çağrıları"),
    "activity_training_sessions": ("Training sessions", "Eğitim oturumları"),
    "activity_labour_inspections": ("Labour inspections", "İş teftişleri"),
    "shelters_outside_note": (
        "{indicator} (national, by year): {values}.",
        "{indicator} (ulusal, yıllara göre): {values}.",
    ),
    "inspections_by_sector": ("Labour inspections by sector", "Sektöre göre iş teftişleri"),
    "def_inspections": (
        "Inspections of the Labour Inspection Board in the period; with indicators: at least one "
        "trafficking or "
        "forced-labour indicator was found.",
        "İş Teftiş Kurulunun dönem içindeki denetimleri; göstergesi bulunan: en az bir insan ticareti veya "
        "zorla çalıştırma göstergesi saptanan denetimler.",
    ),
    "cooperation_by_type": ("International cooperation by type", "Türe göre uluslararası işbirliği"),
    "cooperation_by_partner": (
        "International cooperation: top {n} partner countries",
        "Uluslararası işbirliği: en sık {n} ortak ülke",
    ),
    "def_cooperation": (
        "Actions of the Ministry of Foreign Affairs with other countries in the period (consular "
        "notifications, "
        "requests for legal assistance, joint investigations, return coordination).",
        "Dışişleri Bakanlığının dönem içinde diğer ülkelerle yürüttüğü eylemler (konsolosluk bildirimleri, "
        "adli "
        "yardım talepleri, ortak soruşturmalar, geri dönüş koordinasyonu).",
    ),
    # --- coordination --------------------------------------------------------------------------------------
    "referrals": ("Referrals", "Yönlendirmeler"),
    "persons_referred": ("Persons referred", "Yönlendirilen kişiler"),
    "share_accepted": ("Accepted", "Kabul edilen"),
    "median_days_to_acceptance": ("Median days to acceptance", "Kabule kadar medyan gün"),
    "agencies_referring_receiving": ("Agencies referring / receiving", "Yönlendiren / alan kurumlar"),
    "def_referrals": (
        "Acceptance: the receiving agency recorded an acceptance date; days to acceptance are whole days "
        "from "
        "the referral (median).",
        "Kabul: alan kurum bir kabul tarihi kaydetmiştir; kabule kadar geçen süre yönlendirmeden itibaren "
        "tam "
        "gün olarak sayılır (medyan).",
    ),
    "referral_matrix": ("Referrals between agencies", "Kurumlar arası yönlendirmeler"),
    "def_referral_matrix": (
        "Rows: the referring agency; columns: the receiving agency; cells: referrals in the period.",
        "Satırlar: yönlendiren kurum; sütunlar: alan kurum; hücreler: dönem içindeki yönlendirmeler.",
    ),
    "referral_flow": ("Referral flows", "Yönlendirme akışları"),
    "def_referral_flow": (
        "Referrals in the period from each referring agency (left) to each receiving agency (right).",
        "Dönem içindeki yönlendirmeler, her yönlendiren kurumdan (sol) her alan kuruma (sağ).",
    ),
    "acceptance_by_receiver": ("Time to acceptance by receiving agency", "Alan kuruma göre kabul süresi"),
    "def_acceptance": (
        "Median whole days from the referral to its acceptance, over the accepted referrals.",
        "Kabul edilen yönlendirmelerde, yönlendirmeden kabule kadar geçen tam günlerin medyanı.",
    ),
    "agencies_refer_receive": (
        "Agencies that refer and that receive",
        "Yönlendiren ve yönlendirme alan kurumlar",
    ),
    "def_refer_receive": (
        "Referrals made and received by each agency in the period.",
        "Her kurumun dönem içinde yaptığı ve aldığı yönlendirmeler.",
    ),
    "referrals_by_service": ("Referrals by service requested", "İstenen hizmete göre yönlendirmeler"),
    # --- data health ---------------------------------------------------------------------------------------
    "data_health_summary": ("Extracts due in {period}", "{period} döneminde beklenen veri dosyaları"),
    "extracts_received": ("Periods received / expected", "Alınan / beklenen dönem"),
    "reporting_completeness": ("Reporting completeness", "Raporlama tamlığı"),
    "reporting_timeliness": ("Received on time", "Zamanında alınan"),
    "rows_quarantined_share": ("Rows quarantined", "Karantinaya alınan satırlar"),
    "failed_rules": ("Failed validation rules", "Başarısız doğrulama kuralları"),
    "last_build": (
        "Last successful build: {build}, finished {finished} (dbt {dbt}).",
        "Son başarılı derleme: {build}, bitiş {finished} (dbt {dbt}).",
    ),
    "last_build_failed": (
        "The latest build ({build}, started {started}) did not succeed: the figures are those of the last "
        "successful build.",
        "En son derleme ({build}, başlangıç {started}) başarısız oldu: rakamlar son başarılı derlemeye "
        "aittir.",
    ),
    "no_successful_build": ("No build has succeeded yet.", "Henüz başarılı bir derleme yok."),
    "ops_not_readable": (
        "This part reads the load records (ops), which your role may not read. A data steward sees it.",
        "Bu bölüm yükleme kayıtlarını (ops) okur; rolünüzün bunları okuma yetkisi yok. Veri sorumlusu "
        "görebilir.",
    ),
    "whom_to_call": ("Whom to call", "Kimi aramalı"),
    "all_extracts_on_time": (
        "Every extract due in the period has arrived on time.",
        "Dönem içinde beklenen tüm veri dosyaları zamanında geldi.",
    ),
    "def_whom_to_call": (
        "Agencies with reporting periods in the selection whose extract is missing, or arrived after the "
        "deadline in the agency registry.",
        "Seçilen dönemde veri dosyası eksik olan ya da kurum kaydındaki son tarihten sonra gelen kurumlar.",
    ),
    "extracts_by_agency": ("Every agency and extract", "Tüm kurumlar ve veri dosyaları"),
    "def_extracts_table": (
        "For each agency and extract it must send: reporting periods in the selection expected, received and "
        "received by the deadline; rows of the active extracts loaded and quarantined; the date the last "
        "extract "
        "was received (any period) and the last day its data covers.",
        "Her kurum ve göndermesi gereken her veri dosyası için: seçilen dönemde beklenen, alınan ve son "
        "tarihe "
        "kadar alınan raporlama dönemleri; geçerli dosyalardan yüklenen ve karantinaya alınan satırlar; son "
        "dosyanın alındığı tarih (herhangi bir dönem) ve verinin kapsadığı son gün.",
    ),
    "expected_received_on_time": (
        "Periods expected, received and on time",
        "Beklenen, alınan ve zamanında alınan dönemler",
    ),
    "def_expected_received": (
        "Reporting periods in the selection, summed over each agency's extracts.",
        "Seçilen dönemdeki raporlama dönemleri, her kurumun veri dosyaları üzerinden toplanarak.",
    ),
    "rows_loaded_quarantined": ("Rows loaded and quarantined", "Yüklenen ve karantinaya alınan satırlar"),
    "def_rows_batches": (
        "Rows of the active extracts whose period overlaps the selection, every source included.",
        "Dönemi seçimle kesişen geçerli veri dosyalarının satırları, tüm kaynaklar dahil.",
    ),
    "def_rows_extracts": (
        "Rows of the active extracts of the sources each agency must send.",
        "Her kurumun göndermesi gereken kaynakların geçerli dosyalarındaki satırlar.",
    ),
    "quarantine_reasons": ("Top reasons for quarantine", "Karantinanın başlıca nedenleri"),
    "def_quarantine_reasons": (
        "Quarantined rows of the active extracts by the rule they broke and the column it concerns; the "
        "values "
        "themselves are never shown here.",
        "Geçerli veri dosyalarında karantinaya alınan satırlar, ihlal edilen kurala ve ilgili sütuna göre; "
        "değerlerin kendisi burada hiçbir zaman gösterilmez.",
    ),
    "failed_validation_rules": ("Failed validation rules", "Başarısız doğrulama kuralları"),
    "def_failed_rules": (
        "Consistency rules between the agencies' figures (DHIS2-style) that failed in the period. {skipped} "
        "checks were skipped because an extract they need is missing.",
        "Kurumların rakamları arasındaki tutarlılık kurallarından (DHIS2 tarzı) dönem içinde sağlanmayanlar. "
        "Gerekli bir veri dosyası eksik olduğu için {skipped} denetim atlandı.",
    ),
    "incomplete_fields": ("Key fields not always known", "Her zaman bilinmeyen temel alanlar"),
    "def_incomplete_fields": (
        "Here: every key field with at least one row missing its value, by agency and extract.",
        "Burada: en az bir satırda değeri eksik olan her temel alan, kuruma ve veri dosyasına göre.",
    ),
    "rejected_files": ("Files refused whole", "Tümüyle reddedilen dosyalar"),
    "no_rejected_files": ("No file has been refused.", "Reddedilen dosya yok."),
    "def_rejected_files": (
        "The latest files that could not be loaded at all (for example personal data found, or the wrong "
        "layout); the agency must send them again.",
        "Hiç yüklenemeyen son dosyalar (örneğin kişisel veri bulunan ya da biçimi yanlış olanlar); kurumun "
        "bunları yeniden göndermesi gerekir.",
    ),
    # --- indicator definitions in Turkish (the English ones come from the catalogue) ------------------------
    "ind_V1": (
        "Persons formally identified as victims by a competent authority in the period.",
        "Dönem içinde yetkili bir makamca resmi olarak insan ticareti mağduru olarak tespit edilen kişiler. "
        "Bir "
        "kişi, kaç kayıt veya kurum bildirirse bildirsin dönem başına bir kez, dönemdeki ilk tespitindeki "
        "özellikleriyle sayılır.",
    ),
    "ind_V2": (
        "Presumed victims not formally identified in the same period.",
        "Dönem içinde olası mağdur olarak kaydedilen ve aynı dönemde resmi olarak tespit edilmeyen kişiler; "
        "böylece V1 + V2 kayıtlı mağdur sayısını mükerrer sayım olmadan verir.",
    ),
    "ind_V5": (
        "Identified victims per 100,000 residents.",
        "Yıl içinde tespit edilen mağdurların (V1) Türkiye nüfusunun 100.000 kişisi başına oranı.",
    ),
    "ind_V6": (
        "Share of children among identified victims.",
        "Tespit edilen mağdurlar (V1) içinde tespit sırasında 18 "
        "yaşından küçük olanların, yaşı bilinenler içindeki yüzdesi.",
    ),
    "ind_V7": (
        "Share of foreign nationals among identified victims.",
        "Tespit edilen mağdurlar (V1) içinde Türk "
        "vatandaşı olmayanların, vatandaşlığı bilinenler içindeki yüzdesi.",
    ),
    "ind_V8": (
        "Share of each form of exploitation.",
        "Belirli bir sömürü türüne maruz kalan tespit edilmiş mağdurların, "
        "en az bir türü bilinenler içindeki yüzdesi; bir mağdurun birden çok türü olabilir.",
    ),
    "ind_P3": (
        "Defendants in trafficking-related indictments filed in the period.",
        "Dönem içinde düzenlenen insan ticaretiyle ilgili iddianamelerdeki sanıklar; her kişi dönem başına "
        "bir "
        "kez sayılır. Adalet Bakanlığı dosyası TCK 80. madde (insan ticareti) ve 227. madde (fuhşa aracılık) "
        "davalarını içerir; göçmen kaçakçılığı (79. madde) dahil değildir.",
    ),
    "ind_P3A": (
        "Cases with an indictment filed in the period.",
        "Dönem içinde iddianame düzenlenen insan ticaretiyle "
        "ilgili ceza davaları (birden çok sanıklı dava bir kez sayılır).",
    ),
    "ind_P4": (
        "Defendants convicted at first instance.",
        "Dönem içinde ilk derece mahkemesince mahkûm edilen sanıklar; "
        "her kişi dönem başına bir kez sayılır, istinaf veya temyiz sonucu ne olursa olsun.",
    ),
    "ind_P5": (
        "Share of first-instance verdicts that convicted.",
        "Dönem içindeki ilk derece kararlarından mahkûmiyetle sonuçlananların; mahkûmiyet, beraat veya düşme "
        "kararları içindeki yüzdesi (başka davayla birleştirilen davada hüküm yoktur ve dahil edilmez). "
        "Birim, "
        "bir davadaki bir sanıktır.",
    ),
    "ind_S1": (
        "Persons who received assistance.",
        "Dönem içinde en az bir destek hizmeti (sığınma evi, sağlık hizmeti "
        "veya destekli geri dönüş) alan kişiler.",
    ),
    "ind_S2": (
        "Persons admitted to a shelter.",
        "Dönem içinde insan ticareti mağdurlarına yönelik bir sığınma evine "
        "kabul edilen kişiler; her kişi dönem başına bir kez sayılır.",
    ),
    "ind_S5": (
        "Referrals between agencies in the period.",
        "Dönem içinde mağdurların bir kurumdan diğerine yönlendirilmesi; birden çok kurumun bildirdiği aynı "
        "yönlendirmenin kopyaları çıkarıldıktan sonra.",
    ),
    "ind_S5A": (
        "Days from first identification to first assistance.",
        "Bir kişinin ilk resmi tespiti ile ilk desteği (sığınma evine kabul, sağlık hizmeti veya destekli "
        "geri "
        "dönüş) arasındaki ortalama takvim günü; dönem içinde ilk kez tespit edilip destek alan kişiler "
        "için. "
        "Hiç destek almayanlar ve tespitten önce tarihlenen destekler dahil edilmez.",
    ),
    "ind_S6": (
        "Persons returned with IOM.",
        "Dönem içinde IOM'un destekli gönüllü geri dönüş programıyla ülkesine (veya "
        "üçüncü bir ülkeye) dönen kişiler; her kişi dönem başına bir kez sayılır.",
    ),
    "ind_S6A": (
        "Returned persons with reintegration support.",
        "Dönem içinde geri dönen (S6) ve döndüğü ülkede yeniden uyum desteği alan kişiler.",
    ),
    "ind_S6B": (
        "Share of returned persons with reintegration support.",
        "Dönem içinde geri dönen kişilerden (S6) yeniden uyum desteği alanların (S6A) yüzdesi.",
    ),
    "ind_N1": (
        "NGO shelter admissions from outside the main urban centres.",
        "Dönem içinde bir STK sığınma evine kabul "
        "edilen ve büyük kentler (İstanbul, Ankara, İzmir) dışındaki bir ilde tespit edilmiş kişiler.",
    ),
    "ind_N2": (
        "Share of NGO shelter admissions from outside the main urban centres.",
        "STK sığınma evlerine kabul "
        "edilenlerden tespit ili büyük kentler dışında olanların, tespit ili bilinenler içindeki yüzdesi.",
    ),
    "ind_H1": (
        "Calls to the 157 helpline.",
        "Dönem içinde 157 insan ticareti yardım hattına gelen çağrılar (geçerli "
        "veri dosyalarından: yeniden gönderilen yıl ilk dosyanın yerini alır).",
    ),
    "ind_H1A": (
        "Calls passed on for identification.",
        "Dönem içinde yardım hattının, görevi mağduru tespit etmek olan "
        "polis veya jandarmaya ilettiği çağrılar.",
    ),
    "ind_H2": (
        "Share of referred calls that led to an identification.",
        "Dönem içinde tespit için yönlendirilen çağrılardan (H1A), çağrıdaki kişi anahtarıyla belirtilen "
        "mağdurun "
        "çağrıdan sonra herhangi bir zamanda insan ticareti mağduru olarak tespit edildiklerinin yüzdesi.",
    ),
    "ind_T1": (
        "Training sessions held.",
        "Dönem içinde insan ticareti konusunda düzenlenen eğitim oturumları (IOM ve "
        "ortakları). Sektöre göre, birden çok hedef kitlesi olan oturum her birinde sayılır.",
    ),
    "ind_T2": (
        "People trained.",
        "Dönem içindeki insan ticareti eğitimlerinin katılımcıları. Katılımcılar oturum başına "
        "sayılır: iki kez eğitim alan kişi iki kez sayılır (eğitim kayıtlarında kişi anahtarı yoktur).",
    ),
    "ind_Q1": (
        "Share of the extracts due that were loaded.",
        "Yıl içindeki dönemler için kurumlardan beklenen veri "
        "dosyalarından (kurum kaydındaki raporlama sıklığına göre) geçerli bir dosyası yüklenenlerin "
        "yüzdesi.",
    ),
    "ind_Q2": (
        "Share of the extracts due that were loaded by the deadline.",
        "Yıl içinde beklenen veri dosyalarından "
        "kurum kaydındaki son tarihe kadar (dönem sonundan itibaren belirlenen gün sayısı) yüklenenlerin "
        "yüzdesi.",
    ),
    "ind_Q3": (
        "Completeness of key fields.",
        "Dönemin tespit kayıtlarında temel alanların (cinsiyet, yaş, vatandaşlık, "
        "sömürü türü) bilinme yüzdesi; bilinmiyor olarak kodlanan alan eksik sayılır.",
    ),
}

# Names of codes the seeds do not hold (and of regions, whose seed name is Turkish only).
CODES: dict[str, dict[str, tuple[str, str]]] = {
    "age_group": {
        "child": ("Child (under 18)", "Çocuk (18 yaş altı)"),
        "adult": ("Adult", "Yetişkin"),
        "unknown": ("Unknown", "Bilinmiyor"),
    },
    "region": {
        "TR1": ("İstanbul", "İstanbul"),
        "TR2": ("West Marmara", "Batı Marmara"),
        "TR3": ("Aegean", "Ege"),
        "TR4": ("East Marmara", "Doğu Marmara"),
        "TR5": ("West Anatolia", "Batı Anadolu"),
        "TR6": ("Mediterranean", "Akdeniz"),
        "TR7": ("Central Anatolia", "Orta Anadolu"),
        "TR8": ("West Black Sea", "Batı Karadeniz"),
        "TR9": ("East Black Sea", "Doğu Karadeniz"),
        "TRA": ("Northeast Anatolia", "Kuzeydoğu Anadolu"),
        "TRB": ("Central East Anatolia", "Ortadoğu Anadolu"),
        "TRC": ("Southeast Anatolia", "Güneydoğu Anadolu"),
    },
    # agencies outside the registry that appear in referrals and trainings
    "agency": {
        "bar_association": ("Bar association (legal aid)", "Baro (adli yardım)"),
        "consulate": ("Consulate", "Konsolosluk"),
        "social_services": ("Social services", "Sosyal hizmetler"),
        "judges_prosecutors": ("Judges and prosecutors", "Hâkim ve savcılar"),
        "labour_inspectors": ("Labour inspectors", "İş müfettişleri"),
        "ngo": ("Other NGOs", "Diğer STK'lar"),
        "other": ("Other", "Diğer"),
    },
    "referral_source": {
        "law_enforcement_operation": ("Law-enforcement operation", "Kolluk operasyonu"),
        "helpline_157": ("157 helpline", "157 yardım hattı"),
        "ngo": ("NGO", "STK"),
        "consulate": ("Consulate", "Konsolosluk"),
        "self_referral": ("Self-referral", "Kendi başvurusu"),
        "other": ("Other", "Diğer"),
        "unknown": ("Unknown", "Bilinmiyor"),
    },
    "call_language": {
        "tur": ("Turkish", "Türkçe"),
        "rus": ("Russian", "Rusça"),
        "eng": ("English", "İngilizce"),
        "ron": ("Romanian", "Rumence"),
        "ukr": ("Ukrainian", "Ukraynaca"),
        "aze": ("Azerbaijani", "Azerice"),
        "ara": ("Arabic", "Arapça"),
        "fas": ("Persian", "Farsça"),
        "other": ("Other", "Diğer"),
    },
    "call_category": {
        "information": ("Information", "Bilgi"),
        "notification": ("Notification of a possible case", "Olası vaka bildirimi"),
        "emergency": ("Emergency", "Acil durum"),
        "other": ("Other", "Diğer"),
    },
    "call_outcome": {
        "referred_to_law_enforcement": (
            "Referred to the police or gendarmerie",
            "Polis veya jandarmaya yönlendirildi",
        ),
        "information_given": ("Information given", "Bilgi verildi"),
        "referred_to_ngo": ("Referred to an NGO", "Bir STK'ya yönlendirildi"),
        "no_action": ("No action", "İşlem yapılmadı"),
    },
    "caller_type": {
        "victim": ("Victim", "Mağdur"),
        "public": ("Member of the public", "Vatandaş"),
        "family": ("Family member", "Aile üyesi"),
        "ngo": ("NGO", "STK"),
        "law_enforcement": ("Law enforcement", "Kolluk"),
        "other": ("Other", "Diğer"),
    },
    "return_type": {
        "assisted_voluntary_return": ("Assisted voluntary return", "Destekli gönüllü geri dönüş"),
        "escorted_return": ("Escorted return", "Refakatli geri dönüş"),
        "third_country_resettlement": ("Resettlement to a third country", "Üçüncü ülkeye yeniden yerleşim"),
    },
    "sector": {
        "agriculture_forestry_fishing": (
            "Agriculture, forestry and fishing",
            "Tarım, ormancılık ve balıkçılık",
        ),
        "construction": ("Construction", "İnşaat"),
        "manufacturing": ("Manufacturing", "İmalat"),
        "wholesale_retail_trade": ("Wholesale and retail trade", "Toptan ve perakende ticaret"),
        "accommodation_food_services": ("Accommodation and food services", "Konaklama ve yiyecek hizmetleri"),
        "households_as_employers": ("Households as employers", "İşveren olarak hane halkları"),
        "administrative_support_services": (
            "Administrative and support services",
            "İdari ve destek hizmetleri",
        ),
        "other_services": ("Other services", "Diğer hizmetler"),
    },
    "action_type": {
        "consular_notification": ("Consular notification", "Konsolosluk bildirimi"),
        "mutual_legal_assistance": ("Mutual legal assistance request", "Karşılıklı adli yardım talebi"),
        "joint_investigation": ("Joint investigation", "Ortak soruşturma"),
        "return_coordination": ("Return coordination", "Geri dönüş koordinasyonu"),
    },
    "sentence_band": {
        "under_2y": ("Under 2 years", "2 yıldan az"),
        "2y_to_under_5y": ("2 to under 5 years", "2 yıldan 5 yıla kadar"),
        "5y_to_under_8y": ("5 to under 8 years", "5 yıldan 8 yıla kadar"),
        "8y_and_over": ("8 years and over", "8 yıl ve üzeri"),
        "none": ("No prison sentence recorded", "Hapis cezası kaydı yok"),
    },
    "unit": {
        "persons": ("persons", "kişi"),
        "cases": ("cases", "dava"),
        "calls": ("calls", "çağrı"),
        "referrals": ("referrals", "yönlendirme"),
        "sessions": ("sessions", "oturum"),
        "percent": ("percent", "yüzde"),
        "rate": ("per 100,000", "100.000'de"),
        "days": ("days", "gün"),
    },
    "progress": {
        "target_met": ("Target met", "Hedefe ulaşıldı"),
        "target_not_met": ("Target not yet met", "Hedefe henüz ulaşılmadı"),
        "improved": ("Improved on the baseline", "Başlangıca göre iyileşti"),
        "worsened": ("Worse than the baseline", "Başlangıca göre kötüleşti"),
        "unchanged": ("Unchanged", "Değişmedi"),
        "monitor": ("Monitored (no target)", "İzleniyor (hedef yok)"),
        "no_data": ("No value in the period", "Dönemde değer yok"),
    },
    "frequency": {
        "yearly": ("Yearly", "Yıllık"),
        "quarterly": ("Quarterly", "Üç aylık"),
        "monthly": ("Monthly", "Aylık"),
    },
    "extract_status": {
        "ok": ("On time", "Zamanında"),
        "late": ("Late", "Gecikmeli"),
        "missing": ("Missing", "Eksik"),
    },
    "source": {
        "police_identifications": ("Police identifications", "Polis mağdur tespitleri"),
        "gendarmerie_identifications": ("Gendarmerie identifications", "Jandarma mağdur tespitleri"),
        "police_operations": ("Police operations", "Polis operasyonları"),
        "police_suspects": ("Police suspects", "Polis şüpheli kayıtları"),
        "justice_prosecutions": ("Prosecutions", "Kovuşturmalar"),
        "justice_decisions": ("Court decisions", "Mahkeme kararları"),
        "shelter_stays": ("Shelter stays", "Sığınma evi kalışları"),
        "health_services": ("Health services", "Sağlık hizmetleri"),
        "iom_returns": ("Assisted returns", "Destekli geri dönüşler"),
        "iom_trainings": ("Trainings", "Eğitimler"),
        "helpline_calls": ("Helpline calls", "Yardım hattı çağrıları"),
        "labour_inspections": ("Labour inspections", "İş teftişleri"),
        "cooperation_actions": ("International cooperation", "Uluslararası işbirliği"),
        "referrals": ("Referrals", "Yönlendirmeler"),
    },
    "field": {
        "sex": ("Sex", "Cinsiyet"),
        "age": ("Age", "Yaş"),
        "nationality": ("Nationality", "Uyruk"),
        "exploitation_types": ("Forms of exploitation", "Sömürü türleri"),
        "province": ("Province", "İl"),
        "referral_source": ("Referral source", "Yönlendirme kaynağı"),
        "identification_status": ("Identification status", "Tespit durumu"),
        "destination_country": ("Country of return", "Dönülen ülke"),
        "reintegration_assistance": ("Reintegration support", "Yeniden uyum desteği"),
        "return_type": ("Type of return", "Dönüş türü"),
        "victim_keys": ("Victims named", "Adı geçen mağdurlar"),
        "offence": ("Offence", "Suç"),
        "sentence_months": ("Sentence", "Ceza süresi"),
        "decision_outcome": ("Decision", "Karar"),
        "court_instance": ("Court instance", "Mahkeme derecesi"),
        "call_category": ("Call category", "Çağrı kategorisi"),
        "call_language": ("Call language", "Çağrı dili"),
        "call_outcome": ("Call outcome", "Çağrı sonucu"),
        "caller_type": ("Caller", "Arayan"),
        "participant_agency": ("Participants' agency", "Katılımcıların kurumu"),
        "participants_female": ("Women participants", "Kadın katılımcılar"),
        "participants_male": ("Men participants", "Erkek katılımcılar"),
        "training_topic": ("Training topic", "Eğitim konusu"),
        "sector": ("Sector", "Sektör"),
        "workers_checked": ("Workers checked", "Kontrol edilen işçi"),
        "indicators_found": ("Indicators found", "Bulunan göstergeler"),
        "referred_to_police": ("Reported to the police", "Kolluğa bildirim"),
        "suspects_detained": ("Suspects detained", "Gözaltına alınan şüpheli"),
        "victims_rescued": ("Victims rescued", "Kurtarılan mağdur"),
        "suspect_role": ("Suspect's role", "Şüphelinin rolü"),
        "from_agency": ("Referring agency", "Yönlendiren kurum"),
        "to_agency": ("Receiving agency", "Alan kurum"),
        "service_requested": ("Service requested", "İstenen hizmet"),
        "discharge_reason": ("Reason for leaving", "Ayrılış nedeni"),
        "services": ("Services", "Hizmetler"),
        "shelter": ("Shelter", "Sığınma evi"),
        "provider_type": ("Provider", "Hizmet sağlayıcı"),
        "service_type": ("Service", "Hizmet"),
        "action_type": ("Type of action", "Eylem türü"),
        "partner_country": ("Partner country", "Ortak ülke"),
    },
    "rule": {
        "required": ("Value missing", "Zorunlu değer eksik"),
        "date_format": ("Not a date in the agreed form", "Tarih istenen biçimde değil"),
        "unknown_code": ("Code not in the code list", "Kod listesinde olmayan kod"),
        "out_of_range": ("Outside the allowed range", "İzin verilen aralığın dışında"),
        "pattern": ("Not in the expected form", "Beklenen biçimde değil"),
        "duplicate_row": ("Repeats an earlier row", "Önceki bir satırın tekrarı"),
        "duplicate_key": ("Record number used twice", "Kayıt numarası iki kez kullanılmış"),
        "period": ("Date outside the file's period", "Tarih dosyanın dönemi dışında"),
        "mojibake": ("Garbled Turkish letters", "Bozuk Türkçe karakterler"),
        "too_long": ("Text too long", "Metin çok uzun"),
        "ragged": ("Wrong number of cells", "Hücre sayısı yanlış"),
        "formula": ("Spreadsheet formula", "Hesap tablosu formülü"),
        "type": ("Wrong type", "Yanlış veri türü"),
    },
    "validation_rule": {
        "convicted_le_prosecuted": (
            "No more persons convicted than prosecuted",
            "Mahkûm edilen, kovuşturulandan fazla olamaz",
        ),
        "children_le_identified": (
            "No more child victims than victims",
            "Çocuk mağdurlar, tüm mağdurlardan fazla olamaz",
        ),
        "case_victims_le_identified": (
            "Victims named in cases are not more than identified victims",
            "Davalarda adı geçen mağdurlar, tespit edilenlerden fazla olamaz",
        ),
        "returns_identified_le_identified": (
            "Returned victims were identified",
            "Geri dönen mağdurlar tespit edilmiş olmalı",
        ),
        "shelter_identified_le_identified": (
            "Sheltered victims were identified",
            "Sığınma evindeki mağdurlar tespit edilmiş olmalı",
        ),
        "training_participants_total": (
            "Training participants add up",
            "Eğitim katılımcılarının toplamı tutmalı",
        ),
        "sentence_present_when_convicted": (
            "A conviction has a sentence",
            "Mahkûmiyet kararında ceza bulunmalı",
        ),
        "case_victims_identified": (
            "Victims named in cases were identified by the end of the year",
            "Davalarda adı geçen mağdurlar yıl sonuna kadar tespit edilmiş olmalı",
        ),
    },
    "operator": {
        "less_than_or_equal_to": ("≤", "≤"),
        "equal_to": ("=", "="),
        "greater_than_or_equal_to": ("≥", "≥"),
    },
    "service": {},  # from the seed support_services.csv
}

# code lists read from dbt_project/seeds: domain -> (file, code column, English column, Turkish column)
SEED_LISTS = {
    "sex": ("sexes.csv", "sex", "label_en", "label_tr"),
    "exploitation_type": ("exploitation_types.csv", "exploitation_type", "label_en", "label_tr"),
    "outcome": ("case_outcomes.csv", "outcome", "label_en", "label_tr"),
    "offence": ("criminal_code_articles.csv", "offence", "label_en", "label_tr"),
    "service": ("support_services.csv", "service", "label_en", "label_tr"),
    "country": ("countries.csv", "iso3", "name_en", "name_tr"),
}


@cache
def seed_labels(domain: str) -> dict[str, tuple[str, str]]:
    """A seed code list as code -> (English, Turkish), in the seed's order (the first row of a code wins)."""
    file, code, english, turkish = SEED_LISTS[domain]
    labels: dict[str, tuple[str, str]] = {}
    with (SEEDS / file).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and "sort_order" in rows[0]:
        rows.sort(key=lambda row: int(row["sort_order"] or 0))
    for row in rows:
        labels.setdefault(row[code], (row[english], row[turkish]))
    return labels


@cache
def main_urban_centres() -> tuple[int, ...]:
    """The main urban centres (plate codes) of the indicator seed, for activity outside them."""
    with (SEEDS / "indicators" / "main_urban_centres.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(int(row["province_plate_code"]) for row in csv.DictReader(handle))


def codes(domain: str) -> list[str]:
    """The codes of a list, in its order."""
    if domain in SEED_LISTS:
        return list(seed_labels(domain))
    return list(CODES[domain])


def _index(lang: str) -> int:
    return 1 if lang == "tr" else 0


def _missing(value: Any) -> bool:
    return (
        value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT
    )


def label(domain: str, code: Any, lang: str) -> str:
    """A code's name in the language; the code itself when no list names it (e.g. a new agency)."""
    if _missing(code) or code == "":
        return TEXT["unknown_value"][_index(lang)]
    key = str(code)
    names = CODES.get(domain, {}).get(key)
    if names is None and domain in SEED_LISTS:
        names = seed_labels(domain).get(key)
    if names is None and domain == "agency":
        names = CODES["agency"].get(key)
    return names[_index(lang)] if names else key


def region_name(code: str, lang: str) -> str:
    return label("region", code, lang)


def agency_label(code: Any, lang: str, agencies: pd.DataFrame | None = None) -> str:
    """An agency's name from the registry (``marts.dim_agency``), else from ``CODES``, else its code."""
    if _missing(code):
        return TEXT["unknown_value"][_index(lang)]
    if agencies is not None and len(agencies):
        match = agencies[agencies["agency"] == code]
        if len(match):
            name = match[f"agency_name_{'tr' if lang == 'tr' else 'en'}"].iloc[0]
            if isinstance(name, str) and name:
                return name
    return label("agency", code, lang)


class Translator:
    """Text, code names and numbers in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self._i = _index(self.lang)

    def __call__(self, key: str, **values: Any) -> str:
        text = TEXT[key][self._i]
        return text.format(**values) if values else text

    def label(self, domain: str, code: Any) -> str:
        return label(domain, code, self.lang)

    # --- numbers ---------------------------------------------------------------------------------------

    def _swap(self, text: str) -> str:
        """English separators to Turkish ones (1,234.5 -> 1.234,5)."""
        if self.lang != "tr":
            return text
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")

    def integer(self, value: Any) -> str:
        if _missing(value):
            return "–"
        return self._swap(f"{int(value):,}")

    def number(self, value: Any, decimals: int = 1) -> str:
        if _missing(value):
            return "–"
        return self._swap(f"{float(value):,.{decimals}f}")

    def percent(self, share: float | None, decimals: int = 0) -> str:
        """A share (0-1) as a percentage: 45% in English, %45 in Turkish."""
        if _missing(share):
            return "–"
        number = self.number(100 * float(share), decimals)
        return f"%{number}" if self.lang == "tr" else f"{number}%"

    def signed(self, value: int) -> str:
        return ("+" if value > 0 else "-" if value < 0 else "±") + self.integer(abs(value))

    def signed_number(self, value: float, decimals: int = 1) -> str:
        return ("+" if value > 0 else "-" if value < 0 else "±") + self.number(abs(value), decimals)

    def figure(self, value: Any, unit: str) -> str:
        """An indicator value in its unit."""
        if _missing(value):
            return "–"
        if unit in ("percent",):
            return self.percent(float(value) / 100, 1)
        if unit in ("rate", "days"):
            return self.number(value, 2 if unit == "rate" else 1)
        return self.integer(round(float(value)))

    # --- periods and dates -----------------------------------------------------------------------------

    @staticmethod
    def period(first: int, last: int) -> str:
        return f"{first}" if first == last else f"{first}–{last}"

    def period_label(self, granularity: str, year: int, part: int) -> str:
        if granularity == "quarter":
            return f"{year} Q{part}" if self.lang == "en" else f"{year} {part}. çeyrek"
        if granularity == "month":
            return f"{year}-{part:02d}"
        return str(year)

    def date(self, value: Any) -> str:
        if _missing(value):
            return "–"
        day = value.date() if isinstance(value, datetime) else value
        if isinstance(day, date):
            return day.isoformat() if self.lang == "en" else day.strftime("%d.%m.%Y")
        return str(value)

    def timestamp(self, value: Any) -> str:
        if _missing(value):
            return "–"
        moment = pd.Timestamp(value)
        return moment.strftime("%Y-%m-%d %H:%M") if self.lang == "en" else moment.strftime("%d.%m.%Y %H:%M")


def page_title(page: str, lang: str) -> str | None:
    """A page's name in the navigation, in the language (None for a page without one here)."""
    names = TEXT.get(f"nav_{page}")
    return names[_index(lang)] if names else None
