"""The starting list of skills that social innovators offer each other, in three languages.

Each entry is (English, Dutch, French, synonyms in any of the three). The English name is a
skill's canonical name; the three names and the synonyms all find it, so "Facilitation",
"Facilitatie" and "Animation" are one skill. Host admins add and merge skills from here on
(``accounts.actions.skill_save``, ``skill_merge``); ``skills_catalogue_load`` brings a
database up to this list and is run by the accounts data migration and the demo.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SkillEntry = tuple[str, str, str, tuple[str, ...]]

CATALOGUE: tuple[SkillEntry, ...] = (
    # Working together
    ("Facilitation", "Facilitatie", "Facilitation", ("Animation", "Begeleiding", "Facilitating")),
    ("Moderation", "Gespreksleiding", "Modération", ("Moderating", "Moderatie")),
    ("Mediation", "Bemiddeling", "Médiation", ("Conflict mediation", "Conflictbemiddeling")),
    (
        "Nonviolent communication",
        "Geweldloze communicatie",
        "Communication non violente",
        ("NVC", "CNV"),
    ),
    ("Sociocracy", "Sociocratie", "Sociocratie", ("Consent decision-making", "Holacracy")),
    ("Coaching", "Coaching", "Coaching", ("Coach",)),
    ("Mentoring", "Mentorschap", "Mentorat", ("Mentor", "Peter/meter")),
    ("Team building", "Teambuilding", "Cohésion d'équipe", ("Teamwork",)),
    ("Volunteer management", "Vrijwilligersbeheer", "Gestion des bénévoles", ("Volunteers",)),
    (
        "Community building",
        "Gemeenschapsopbouw",
        "Création de communauté",
        ("Community organising", "Opbouwwerk"),
    ),
    (
        "Participatory methods",
        "Participatieve methodes",
        "Méthodes participatives",
        ("Participation", "Inspraak"),
    ),
    ("Design thinking", "Design thinking", "Design thinking", ("Service design",)),
    ("Workshop design", "Workshopontwerp", "Conception d'ateliers", ("Workshops", "Ateliers")),
    (
        "Public speaking",
        "Spreken in het openbaar",
        "Prise de parole en public",
        ("Presenting", "Presentatie"),
    ),
    ("Storytelling", "Verhalen vertellen", "Narration", ("Storytelling",)),
    ("Training", "Vorming", "Formation", ("Teaching", "Lesgeven", "Enseignement")),
    ("Translation", "Vertaling", "Traduction", ("Translating", "Vertalen", "Traduire")),
    ("Interpreting", "Tolken", "Interprétation", ("Interpreter", "Tolk", "Interprète")),
    # Running an organisation
    (
        "Project management",
        "Projectmanagement",
        "Gestion de projet",
        ("Projectbeheer", "Project planning"),
    ),
    ("Strategy", "Strategie", "Stratégie", ("Strategic planning", "Strategische planning")),
    (
        "Business model",
        "Businessmodel",
        "Modèle économique",
        ("Business model canvas", "Verdienmodel"),
    ),
    (
        "Impact measurement",
        "Impactmeting",
        "Mesure d'impact",
        ("Social impact", "Theory of change"),
    ),
    ("Fundraising", "Fondsenwerving", "Collecte de fonds", ("Levée de fonds", "Funding")),
    (
        "Grant writing",
        "Subsidieaanvragen",
        "Rédaction de demandes de subsides",
        ("Subsidies", "Subsides"),
    ),
    ("Crowdfunding", "Crowdfunding", "Financement participatif", ("Crowdfunding campaign",)),
    ("Accounting", "Boekhouding", "Comptabilité", ("Bookkeeping", "Boekhouden")),
    ("Budgeting", "Budgettering", "Gestion budgétaire", ("Budget", "Begroting")),
    (
        "Financial planning",
        "Financiële planning",
        "Planification financière",
        ("Finance", "Financiën"),
    ),
    ("VAT and tax", "Btw en belastingen", "TVA et fiscalité", ("Tax", "Btw", "TVA", "Fiscaliteit")),
    ("Legal advice", "Juridisch advies", "Conseil juridique", ("Law", "Recht", "Droit")),
    ("Nonprofit law", "Vzw-recht", "Droit des ASBL", ("VZW", "ASBL", "Association law")),
    (
        "Cooperative models",
        "Coöperatieve modellen",
        "Modèles coopératifs",
        ("Cooperative", "Coöperatie", "Coopérative"),
    ),
    (
        "Governance",
        "Bestuur",
        "Gouvernance",
        ("Board", "Raad van bestuur", "Conseil d'administration"),
    ),
    ("Human resources", "Personeelsbeleid", "Ressources humaines", ("HR", "RH", "Recruitment")),
    (
        "Administration",
        "Administratie",
        "Administration",
        ("Office management", "Secretariaat", "Secrétariat"),
    ),
    (
        "Event organisation",
        "Evenementenorganisatie",
        "Organisation d'événements",
        ("Events", "Evenementen", "Événements"),
    ),
    ("Logistics", "Logistiek", "Logistique", ("Supply chain",)),
    ("Procurement", "Aankoop", "Achats", ("Purchasing", "Inkoop")),
    ("Real estate", "Vastgoed", "Immobilier", ("Property", "Huisvesting")),
    ("Policy advocacy", "Beleidsbeïnvloeding", "Plaidoyer", ("Advocacy", "Lobbying", "Lobbywerk")),
    # Telling the world
    ("Communication", "Communicatie", "Communication", ("Comms",)),
    ("Copywriting", "Copywriting", "Rédaction", ("Writing", "Schrijven", "Écriture")),
    ("Editing", "Eindredactie", "Relecture", ("Proofreading", "Nalezen", "Correction")),
    ("Social media", "Sociale media", "Réseaux sociaux", ("Instagram", "Facebook", "LinkedIn")),
    ("Marketing", "Marketing", "Marketing", ("Promotion", "Promotie")),
    ("Press relations", "Persrelaties", "Relations presse", ("Press", "Pers", "Presse")),
    (
        "Newsletter writing",
        "Nieuwsbrieven",
        "Lettres d'information",
        ("Newsletter", "Nieuwsbrief", "Newsletter"),
    ),
    ("Branding", "Merkidentiteit", "Image de marque", ("Brand", "Huisstijl")),
    ("Graphic design", "Grafisch ontwerp", "Graphisme", ("Design", "Vormgeving", "Infographics")),
    ("Illustration", "Illustratie", "Illustration", ("Drawing", "Tekenen", "Dessin")),
    ("Photography", "Fotografie", "Photographie", ("Photos", "Foto's")),
    ("Video editing", "Videomontage", "Montage vidéo", ("Video", "Film", "Vidéo")),
    ("Podcasting", "Podcasts", "Podcasts", ("Audio", "Radio")),
    ("Web design", "Webdesign", "Conception web", ("Website", "Webdesign")),
    (
        "UX design",
        "UX-ontwerp",
        "Design UX",
        ("User experience", "Gebruikservaring", "Expérience utilisateur"),
    ),
    # Digital
    (
        "Web development",
        "Webontwikkeling",
        "Développement web",
        ("Programming", "Programmeren", "Programmation"),
    ),
    ("WordPress", "WordPress", "WordPress", ("CMS",)),
    ("Data analysis", "Data-analyse", "Analyse de données", ("Data", "Statistics", "Statistiek")),
    ("Spreadsheets", "Rekenbladen", "Tableurs", ("Excel", "Google Sheets", "Spreadsheet")),
    ("Databases", "Databanken", "Bases de données", ("Database", "SQL")),
    (
        "IT support",
        "IT-ondersteuning",
        "Support informatique",
        ("Computer help", "Computerhulp", "Helpdesk"),
    ),
    ("Cybersecurity", "Cyberveiligheid", "Cybersécurité", ("Security", "Beveiliging")),
    (
        "Privacy and GDPR",
        "Privacy en AVG",
        "Vie privée et RGPD",
        ("GDPR", "AVG", "RGPD", "Privacy"),
    ),
    ("Open source", "Open source", "Logiciel libre", ("Free software", "Vrije software")),
    (
        "Digital inclusion",
        "Digitale inclusie",
        "Inclusion numérique",
        ("Digital skills", "Digitale vaardigheden"),
    ),
    # Making and caring
    ("Woodworking", "Houtbewerking", "Menuiserie", ("Timmerwerk", "Schrijnwerk", "Woodwork")),
    ("Repair", "Herstellingen", "Réparation", ("Repair café", "Fixing", "Repareren")),
    (
        "Bicycle repair",
        "Fietsherstelling",
        "Réparation de vélos",
        ("Bike repair", "Fietsen", "Vélo"),
    ),
    (
        "Electrical work",
        "Elektriciteit",
        "Électricité",
        ("Electrician", "Elektricien", "Électricien"),
    ),
    ("Sewing", "Naaien", "Couture", ("Tailoring", "Textile")),
    ("Cooking", "Koken", "Cuisine", ("Catering", "Traiteur")),
    (
        "Urban gardening",
        "Stadstuinieren",
        "Jardinage urbain",
        ("Gardening", "Tuinieren", "Jardinage"),
    ),
    (
        "Permaculture",
        "Permacultuur",
        "Permaculture",
        ("Agroecology", "Agro-ecologie", "Agroécologie"),
    ),
    (
        "Circular economy",
        "Circulaire economie",
        "Économie circulaire",
        ("Reuse", "Hergebruik", "Réemploi"),
    ),
    (
        "Energy transition",
        "Energietransitie",
        "Transition énergétique",
        ("Renewable energy", "Hernieuwbare energie"),
    ),
    (
        "Sustainable building",
        "Duurzaam bouwen",
        "Construction durable",
        ("Eco-building", "Renovatie", "Rénovation"),
    ),
    ("Childcare", "Kinderopvang", "Garde d'enfants", ("Babysitting", "Oppas")),
    ("Elderly care", "Ouderenzorg", "Soins aux aînés", ("Seniors", "Senioren", "Aînés")),
    ("First aid", "Eerste hulp", "Premiers secours", ("EHBO", "First responder")),
    ("Wellbeing", "Welzijn", "Bien-être", ("Mindfulness", "Yoga")),
    (
        "Psychological support",
        "Psychologische ondersteuning",
        "Soutien psychologique",
        ("Listening", "Luisteren", "Écoute"),
    ),
    (
        "Language coaching",
        "Taalcoaching",
        "Coaching linguistique",
        ("Language exchange", "Taaluitwisseling", "Tandem"),
    ),
    (
        "Dutch lessons",
        "Nederlandse les",
        "Cours de néerlandais",
        ("Dutch", "Nederlands", "Néerlandais"),
    ),
    ("French lessons", "Franse les", "Cours de français", ("French", "Frans", "Français")),
    ("English lessons", "Engelse les", "Cours d'anglais", ("English", "Engels", "Anglais")),
    (
        "Homework help",
        "Huiswerkbegeleiding",
        "Aide aux devoirs",
        ("Tutoring", "Bijles", "Soutien scolaire"),
    ),
    ("Music", "Muziek", "Musique", ("Musician", "Muzikant", "Musicien")),
    ("Theatre", "Theater", "Théâtre", ("Drama", "Toneel")),
    ("Research", "Onderzoek", "Recherche", ("Desk research", "Studie", "Étude")),
    (
        "Surveys and interviews",
        "Enquêtes en interviews",
        "Enquêtes et entretiens",
        ("Survey", "Interview", "Bevraging"),
    ),
)


def skill_lookup(names: Iterable[str]) -> str:
    """The ``Skill.lookup`` of these names: each key once, between bars."""
    from samen.accounts.models import skill_key

    return "|" + "|".join(sorted({skill_key(n) for n in names if n})) + "|"


def _names(skill: Any) -> list[str]:
    # Works on historical models too (a migration's), which have no methods of their own.
    return [n for n in (skill.name, skill.name_nl, skill.name_fr, *skill.synonyms) if n]


def skill_throughs(skill_model: Any) -> list[tuple[Any, str, str]]:
    """Every many-to-many table that tags something with skills (profiles, requests,
    concepts, ...): (through model, its skill column, its owner column)."""
    tables = []
    for relation in skill_model._meta.related_objects:
        if not relation.many_to_many:
            continue
        through = relation.through
        columns = {
            field.related_model is skill_model: field.attname
            for field in through._meta.concrete_fields
            if field.is_relation
        }
        tables.append((through, columns[True], columns[False]))
    return tables


def skills_merge_into(skill_model: Any, target: Any, sources: Iterable[Any]) -> list[str]:
    """Move every tag of ``sources`` to ``target`` (once per tagged thing), delete them, and
    return their names for the target's synonyms."""
    ids = [s.pk for s in sources if s.pk != target.pk]
    names = [n for s in sources if s.pk != target.pk for n in _names(s)]
    for through, skill_column, owner_column in skill_throughs(skill_model):
        seen = set(
            through.objects.filter(**{skill_column: target.pk}).values_list(owner_column, flat=True)
        )
        duplicates = []
        for pk, owner in through.objects.filter(**{f"{skill_column}__in": ids}).values_list(
            "pk", owner_column
        ):
            if owner in seen:
                duplicates.append(pk)
            seen.add(owner)
        through.objects.filter(pk__in=duplicates).delete()
        through.objects.filter(**{f"{skill_column}__in": ids}).update(**{skill_column: target.pk})
    skill_model.objects.filter(pk__in=ids).delete()
    return names


def skills_catalogue_load(skill_model: Any) -> int:
    """Bring the skills up to ``CATALOGUE``: each entry becomes one curated skill, taking
    over (merging) the skills people typed under any of its names or synonyms, in any case
    or accents. Idempotent; returns how many entries were new."""
    from samen.accounts.models import skill_key

    existing = list(skill_model.objects.all())
    created = 0
    for english, dutch, french, synonyms in CATALOGUE:
        keys = {skill_key(n) for n in (english, dutch, french, *synonyms)}
        matches = [s for s in existing if keys & {skill_key(n) for n in _names(s)}]
        matches.sort(key=lambda s: (not s.curated, skill_key(s.name) != skill_key(english), s.pk))
        target = matches[0] if matches else skill_model(name=english)
        created += not matches
        extra = skills_merge_into(skill_model, target, matches[1:]) if matches else []
        existing = [s for s in existing if s not in matches[1:]]
        known = {skill_key(n) for n in (english, dutch, french)}
        kept = [*target.synonyms, *synonyms, *extra, *(_names(target) if matches else [])]
        target.synonyms = sorted(
            {skill_key(n): n for n in kept if skill_key(n) not in known}.values()
        )
        target.name, target.name_nl, target.name_fr = english, dutch, french
        target.curated = True
        target.lookup = skill_lookup(_names(target))
        target.save()
        if not matches:
            existing.append(target)
    for skill in skill_model.objects.filter(lookup=""):
        skill.lookup = skill_lookup(_names(skill))
        skill.save(update_fields=["lookup"])
    return created
