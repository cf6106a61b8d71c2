"""Vocabularies of the demo data generator (`leadscore.generate`).

Everything the generator writes as text comes from here: job titles with the latent seniority
behind them, industries, countries, page paths, form types, asset names, event types and the
dirty spellings of each. `docs/demo_data.md` lists the same values for the scoring team, who
build their keyword maps and `event_type_map` seed from them.

Weights are relative (they need not sum to 1).
"""

from __future__ import annotations

from typing import Final

OWN_COMPANY: Final = "Lumen Analytics"
OWN_DOMAIN: Final = "lumenanalytics.io"

# (domain, company name)
COMPETITORS: Final = (
    ("rivalytics.com", "Rivalytics"),
    ("scorewise.io", "ScoreWise"),
    ("leadforge.com", "LeadForge"),
    ("pipelinepilot.io", "Pipeline Pilot"),
)

PERSONAL_EMAIL_DOMAINS: Final = (
    "gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com", "gmx.de",
    "proton.me", "protonmail.com", "live.com", "msn.com", "mail.com", "yandex.ru", "web.de",
)

PRODUCT_LINES: Final = ("analytics", "automation", "data_platform")

# --- Personas ---------------------------------------------------------------------------------
# The latent kind of person behind a contact. Shares of all (non-duplicate) contacts.
PERSONAS: Final = (
    ("decision_maker", 0.16),  # C-level, VP, Director, Head of (seniority 3..5)
    ("manager", 0.20),  # seniority 2
    ("individual_contributor", 0.47),  # seniority 1
    ("intern", 0.03),  # seniority 0
    ("student", 0.06),  # seniority 0, *.edu or personal e-mail
    ("job_seeker", 0.04),  # "Open to work", /careers pages, job_application forms
    ("competitor", 0.02),  # competitor e-mail domains, competitor accounts
    ("employee", 0.005),  # @lumenanalytics.io
    ("bot", 0.015),  # link scanners (clicks 1-5 s after delivery) and page-view floods
)

# --- Job titles --------------------------------------------------------------------------------
# Latent seniority levels: 5 executive (C-level, founder, owner, president), 4 vice president,
# 3 director / head of, 2 manager, 1 individual contributor, 0 intern / entry level.
SENIORITY_LEVELS: Final = {
    5: "executive",
    4: "vice_president",
    3: "director",
    2: "manager",
    1: "individual_contributor",
    0: "entry",
}

TITLES_BY_LEVEL: Final[dict[int, tuple[str, ...]]] = {
    5: (
        "CEO", "Chief Executive Officer", "Cheif Executive Officer", "C.E.O.", "ceo",
        "CEO & Founder", "Founder", "Co-founder", "Co-Founder & CEO", "cofounder", "Owner",
        "Owner/Operator", "President", "President & CEO", "CTO", "Chief Technology Officer",
        "Chief Technical Officer", "CFO", "Chief Financial Officer", "COO",
        "Chief Operating Officer", "CMO", "Chief Marketing Officer", "Chief Revenue Officer",
        "CRO", "CIO", "Chief Information Officer", "Chief Data Officer", "CDO",
        "Managing Director", "Managing Partner", "Chief Growth Officer",
    ),
    4: (
        "VP Marketing", "V.P. of Marketing", "Vice President - Marketing", "vp, mktg",
        "VP of Sales", "VP Sales", "Vice President, Sales", "Vice-President Engineering",
        "VP Engineering", "SVP Marketing", "Senior Vice President, Revenue", "EVP Operations",
        "VP Data", "VP of Analytics", "Vice Pres. Finance", "VP, Demand Generation",
        "AVP Marketing Operations", "Vp Marketing", "vice president of growth", "VP Product",
    ),
    3: (
        "Dir. of Sales", "Director, Sales Ops", "Director of Marketing", "Marketing Director",
        "Sr. Director, Demand Gen", "Senior Director of Engineering",
        "Director of Data Science", "Director - IT", "Head of Growth", "Head of Marketing",
        "Head of Data", "Head of Sales", "Head of Analytics", "head of revenue operations",
        "Dir Marketing Ops", "Directr of Sales", "Group Director, Analytics",
        "Head Of Engineering", "Global Head of BI", "Director of Business Intelligence",
        "General Manager",
    ),
    2: (
        "Sr. Manager Demand Gen", "Marketing Mgr", "Marketing Manager", "IT Manager",
        "Operations Manager", "Engineering Manager", "Sales Manager", "Product Manager",
        "Mgr, Marketing Operations", "Manager - Data & Analytics", "Senior Manager, Analytics",
        "Team Lead", "Team Leader Sales", "Manger, Sales Ops", "Project Manager", "BI Manager",
        "Revenue Operations Manager", "Demand Generation Manager", "Sr Mgr Marketing",
    ),
    1: (
        "Software Engineer", "Sofware Engineer", "Senior Software Engineer",
        "Sr. Software Engineer", "Data Analyst", "Analyst", "Business Analyst",
        "Data Scientist", "Data Engineer", "Analytics Engineer", "Account Executive",
        "Sales Rep", "Sales Representative", "SDR", "Sales Development Representative", "BDR",
        "Procurement Specialist", "Consultant", "Senior Consultant", "Marketing Specialist",
        "Marketing Coordinator", "Marketing Ops Specialist", "Developer",
        "Full Stack Developer", "DevOps Engineer", "System Administrator", "sysadmin",
        "Accountant", "Account Manager", "Customer Success Manager", "Product Designer",
        "QA Engineer", "Associate", "Specialist", "Engineer", "Operations Analyst",
        "Financial Analyst", "Executive Assistant", "Executive Assistant to the CEO",
    ),
    0: (
        "Marketing Intern", "Intern", "Summer Intern - Engineering", "intern", "Sales Intern",
        "Data Science Intern", "Trainee", "Apprentice", "Working Student", "Werkstudent",
    ),
}

# Titles of personas that are not a seniority (their latent level is 0).
STUDENT_TITLES: Final = (
    "Student", "student", "MBA Candidate", "MBA Student", "PhD student", "PhD Candidate",
    "graduate student", "Grad Student", "Undergraduate", "Research Assistant",
    "Masters Student", "Teaching Assistant",
)
JOB_SEEKER_TITLES: Final = (
    "Looking for new opportunities", "Open to work", "Seeking new role", "Open to Work!",
    "In transition", "Unemployed", "Seeking opportunities in marketing", "Job seeker",
    "Between roles", "looking for work", "Actively looking",
)
# What a blank title looks like in the CRM (None is a SQL null).
PLACEHOLDER_TITLES: Final = (None, None, None, "", " ", "-", "n/a", "N/A", "none", "Other", "?")

# Titles that contain a senior keyword but are not senior (traps for naive keyword maps).
TITLE_TRAPS: Final = (
    "Executive Assistant", "Executive Assistant to the CEO", "Account Executive",
    "Customer Success Manager", "Account Manager", "Sales Development Representative",
)

# Share of decision makers at each level.
DECISION_MAKER_LEVELS: Final = ((5, 0.30), (4, 0.30), (3, 0.40))
# Level mix of competitors, own employees and bots (who carry ordinary corporate titles).
OTHER_PERSONA_LEVELS: Final = ((1, 0.50), (2, 0.25), (3, 0.15), (4, 0.07), (5, 0.03))

# --- Accounts ----------------------------------------------------------------------------------
# (canonical industry, weight, company-name suffixes). The canonical value is what
# `industry_key` (lower, trimmed, whitespace collapsed) yields; the raw value is dirtied in case
# and whitespace only.
INDUSTRIES: Final = (
    ("software", 22, ("Software", "Systems", "Labs", "Cloud", "Technologies")),
    ("financial services", 12, ("Capital", "Bank", "Financial", "Insurance", "Partners")),
    ("healthcare", 10, ("Health", "Medical", "Care", "Clinics", "Pharma")),
    ("manufacturing", 10, ("Manufacturing", "Industries", "Works", "Components", "Tooling")),
    ("retail", 9, ("Retail", "Stores", "Goods", "Outfitters", "Market")),
    ("telecommunications", 5, ("Telecom", "Networks", "Communications", "Mobile")),
    ("media", 5, ("Media", "Publishing", "Studios", "Broadcasting")),
    ("logistics", 5, ("Logistics", "Freight", "Shipping", "Transport")),
    ("education", 3, ("Learning", "Academy", "Education")),
    ("government", 3, ("Agency", "Authority", "Council")),
    ("energy", 3, ("Energy", "Power", "Utilities")),
    ("hospitality", 3, ("Hotels", "Hospitality", "Resorts")),
    ("construction", 3, ("Construction", "Builders", "Engineering")),
    ("nonprofit", 2, ("Foundation", "Trust", "Society")),
    ("gambling", 2, ("Casino", "Bet", "Gaming")),
    ("tobacco", 1.5, ("Tobacco", "Leaf", "Smokes")),
    ("adult entertainment", 1, ("Adult Media", "Nightlife", "Entertainment")),
)
GOOD_INDUSTRIES: Final = (
    "software", "financial services", "healthcare", "manufacturing", "telecommunications", "media",
)
EXCLUDED_INDUSTRIES: Final = ("gambling", "tobacco", "adult entertainment")

COMPANY_PREFIXES: Final = (
    "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent",
    "Cyberdyne", "Tyrell", "Wonka", "Gringotts", "Oscorp", "Massive", "Aperture", "Black Mesa",
    "Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Proseware", "Adventure",
    "Blue Yonder", "Silver Peak", "Red Rock", "Green Valley", "Iron Bridge", "Golden Gate",
    "Summit", "Pioneer", "Atlas", "Orion", "Vertex", "Nimbus", "Quantum", "Horizon", "Keystone",
    "Evergreen", "Harbor", "Granite", "Cascade", "Meridian", "Sterling", "Beacon",
)
UNIVERSITY_NAMES: Final = (
    "State University", "Institute of Technology", "City College", "University of the North",
    "Polytechnic University", "Business School", "Community College", "Tech University",
)

# ISO-2 codes with weights; "good" countries are the sales territories.
COUNTRIES: Final = (
    ("US", 40), ("GB", 10), ("DE", 9), ("FR", 6), ("CA", 6), ("AU", 5), ("NL", 4), ("IN", 4),
    ("BR", 3), ("JP", 3), ("ES", 2), ("IT", 2), ("SE", 2), ("SG", 2), ("MX", 1), ("ZA", 1),
    ("PL", 1), ("CN", 1), ("NG", 0.5), ("AR", 0.5),
)
GOOD_COUNTRIES: Final = ("US", "GB", "DE", "FR", "CA", "AU", "NL")

LEAD_SOURCES: Final = (
    ("organic_search", 20), ("paid_search", 15), ("web", 15), ("webinar", 10), ("event", 8),
    ("referral", 6), ("content_syndication", 8), ("list_import", 10), ("partner", 5),
    ("Paid Search", 1), ("WEB", 1), (" webinar ", 1), (None, 3),
)

FIRST_NAMES: Final = (
    "jane", "john", "maria", "david", "sarah", "michael", "laura", "james", "anna", "robert",
    "emma", "daniel", "olivia", "thomas", "sophie", "lukas", "hannah", "felix", "chloe", "lucas",
    "mia", "noah", "ava", "liam", "isabella", "ethan", "amelia", "oliver", "priya", "arjun",
    "wei", "yuki", "kenji", "fatima", "omar", "carlos", "lucia", "pierre", "camille", "jan",
    "eva", "lars", "ingrid", "mateo", "valentina", "aisha", "samuel", "grace", "henry", "zoe",
)
LAST_NAMES: Final = (
    "doe", "smith", "johnson", "garcia", "miller", "davis", "martinez", "brown", "wilson",
    "anderson", "taylor", "thomas", "moore", "jackson", "martin", "lee", "white", "harris",
    "clark", "lewis", "robinson", "walker", "young", "allen", "king", "wright", "scott", "green",
    "baker", "adams", "mueller", "schmidt", "schneider", "fischer", "weber", "dubois", "moreau",
    "rossi", "bianchi", "jansen", "devries", "nakamura", "tanaka", "patel", "sharma", "chen",
    "wang", "kim", "silva", "santos",
)

# --- Web -----------------------------------------------------------------------------------------
BLOG_SLUGS: Final = (
    "what-is-lead-scoring", "predictive-analytics-101", "dbt-best-practices",
    "marketing-attribution-guide", "data-quality-checklist", "churn-prediction",
    "b2b-funnel-metrics", "automation-playbook", "sql-for-marketers", "cdp-vs-warehouse",
    "dashboard-design-tips", "reverse-etl-explained", "intent-data-myths",
    "ab-testing-pitfalls", "revops-stack-2026", "forecasting-with-python",
)
CASE_STUDY_SLUGS: Final = (
    "acme-logistics", "globex-bank", "initech-health", "northwind-retail",
    "contoso-manufacturing", "fabrikam-telecom", "tailspin-media", "wide-world-importers",
)
DOCS_PAGES: Final = (
    "getting-started", "api", "sdk-python", "connectors", "security", "sso", "webhooks",
    "release-notes", "data-model", "scoring-rules",
)
CAREERS_JOBS: Final = (
    "senior-data-engineer", "account-executive-emea", "product-designer",
    "sales-development-rep", "solutions-engineer", "marketing-manager", "support-engineer",
)
INTEGRATIONS: Final = (
    "salesforce", "hubspot", "snowflake", "bigquery", "slack", "marketo", "segment", "dbt",
)
UTM_SOURCES: Final = ("google", "linkedin", "newsletter", "twitter", "g2", "capterra")

# Page families of ordinary browsing: (family, weight). Families expand to paths in
# `generate.py`: blog -> /blog/<slug>, product -> /product/<line>, docs -> /docs/<page>,
# integrations -> /integrations/<name>, careers_job -> /careers/<job>, case_study ->
# /case-studies/<slug>; the others are fixed paths.
BROWSING_PAGES: Final = (
    ("/", 16), ("blog", 30), ("product", 10), ("docs", 9), ("integrations", 5), ("/about", 5),
    ("/pricing", 3), ("case_study", 2), ("/careers", 1.5), ("careers_job", 1),
    ("/contact", 1.5), ("/demo", 0.5), ("/pricing/enterprise", 0.5),
)
JOB_SEEKER_PAGES: Final = (
    ("/careers", 30), ("careers_job", 35), ("/about", 10), ("/", 10), ("blog", 10),
    ("product", 5),
)
# Pages a paying customer browses after the deal (no pricing or case studies).
CUSTOMER_PAGES: Final = (
    ("docs", 45), ("integrations", 15), ("blog", 20), ("/", 10), ("product", 10),
)

# --- E-mail --------------------------------------------------------------------------------------
EMAIL_EVENT_TYPES: Final = ("delivered", "open", "click", "bounce", "unsubscribe", "spam_report")
# Raw spellings that normalize (lower, trim, whitespace/hyphen -> "_") to a canonical type.
EMAIL_EVENT_TYPE_VARIANTS: Final = {
    "delivered": ("Delivered", "DELIVERED", " delivered"),
    "open": ("OPEN", "Open", "open "),
    "click": (" Click", "CLICK", "Click"),
    "bounce": ("Bounce", "BOUNCE"),
    "unsubscribe": ("Unsubscribe", "UNSUBSCRIBE"),
    "spam_report": ("Spam Report", "spam-report", "SPAM_REPORT"),
}
EMAIL_EVENT_TYPES_UNKNOWN: Final = ("forward", "xyz_unknown")

# --- Forms ---------------------------------------------------------------------------------------
FORM_TYPES: Final = (
    "content_download", "contact_us", "demo_request", "free_trial", "webinar_registration",
    "newsletter_signup", "job_application",
)
HIGH_INTENT_FORM_TYPES: Final = ("demo_request", "free_trial", "contact_us")
FORM_TYPE_VARIANTS: Final = {
    "content_download": ("Content Download", "content-download", " CONTENT_DOWNLOAD"),
    "contact_us": ("Contact Us", "contact-us"),
    "demo_request": ("Demo Request", "demo-request", "DEMO_REQUEST "),
    "free_trial": ("Free Trial", "free-trial"),
    "webinar_registration": ("Webinar Registration",),
    "newsletter_signup": ("Newsletter Signup", "newsletter-signup"),
    "job_application": ("Job Application",),
}
FORM_TYPES_UNKNOWN: Final = ("partner_inquiry", "unknown_form")

# (asset name, product line or None for generic assets)
WHITEPAPERS: Final = (
    ("The State of B2B Analytics 2026", "analytics"),
    ("Lead Scoring Benchmark Report", "analytics"),
    ("Ebook: 50 Dashboard Templates", "analytics"),
    ("Marketing Automation Playbook", "automation"),
    ("Workflow Automation ROI Calculator", "automation"),
    ("Modern Data Platform Buyer's Guide", "data_platform"),
    ("Data Warehouse Migration Checklist", "data_platform"),
    ("Customer Data Strategy Whitepaper", None),
    ("Analyst Market Guide (reprint)", None),
)
WEBINARS: Final = (
    ("Live demo: Lumen Analytics in 30 minutes", "analytics"),
    ("Ask the Experts: Attribution", "analytics"),
    ("Automating Lead Routing", "automation"),
    ("Building a Lakehouse on Lumen Data Platform", "data_platform"),
    ("Quarterly Product Update", None),
)
NEWSLETTER_ASSET: Final = "Lumen Monthly Newsletter"
TRIAL_ASSETS: Final = {
    "analytics": "14-day trial: Lumen Analytics",
    "automation": "14-day trial: Lumen Automation",
    "data_platform": "14-day trial: Lumen Data Platform",
}
DEMO_ASSET: Final = "Product demo request"
JOB_POSTINGS: Final = (
    "Senior Data Engineer (Berlin)", "Account Executive EMEA (London)", "Product Designer (Remote)",
    "Sales Development Rep (Austin)", "Solutions Engineer (New York)",
)

# --- Event attendance ---------------------------------------------------------------------------
ATTENDANCE_EVENT_TYPES: Final = ("webinar", "meeting", "demo", "conference")
ATTENDANCE_STATUSES: Final = ("registered", "attended", "no_show")
ATTENDANCE_VARIANTS: Final = {
    "webinar": ("Webinar", "WEBINAR"),
    "attended": ("Attended", "ATTENDED "),
    "no_show": ("No Show", "no-show", "NO_SHOW"),
    "registered": ("Registered",),
}
ATTENDANCE_STATUSES_UNKNOWN: Final = ("cancelled",)

# --- CRM -----------------------------------------------------------------------------------------
OPEN_STAGES: Final = ("discovery", "proposal", "negotiation")
LEAD_STATUSES: Final = ("working", "accepted", "rejected", "recycled")
LEAD_STATUSES_UNKNOWN: Final = ("nurture",)
ACTIVITY_TYPES: Final = (("email", 50), ("call", 35), ("meeting", 15))
