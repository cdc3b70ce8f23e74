"""The text of a demo report: the template context (sections, citations, statement) per kind."""

from __future__ import annotations

import datetime as dt
import random

from .. import numbers
from ..models import Application
from .data import LANGUAGE_NOTES, OFFICE_INFO, REPORT_KINDS, Cat, FamilySpec, Member, Report


def _para(rng: random.Random) -> str:
    a = rng.randint(12, 60)
    return f"[{a:04d}]-[{a + rng.randint(3, 25):04d}]"


def report_context(
    spec: FamilySpec, member: Member, app: Application, report: Report, rng: random.Random
) -> dict:
    category, code, form_ref, title, language = REPORT_KINDS[report.kind]
    office = member.office
    address, place, examiners = OFFICE_INFO[office]
    subj = spec.subject
    f1, f2, f3 = subj.features
    n, k = spec.claims, spec.second_independent
    cites = []
    ordered = sorted(report.cites, key=lambda t: ("XYA".find(t[1][0]) % 3, t[0].weight))
    for i, (c, cat, claims) in enumerate(ordered, start=1):
        passage = ""
        if c.display and cat == "A":
            passage = "* the whole document *"
        elif c.display.startswith("US") and c.display.endswith("B2"):
            passage = (
                f"* column {rng.randint(2, 9)}, line {rng.randint(1, 30)} - column "
                f"{rng.randint(10, 14)}, line {rng.randint(1, 60)}; figures 1-"
                f"{rng.randint(3, 8)} *"
            )
        elif c.display and rng.random() < 0.6:
            passage = (
                f"* paragraphs {_para(rng)}; figures {rng.randint(1, 4)}-{rng.randint(5, 9)} *"
            )
        elif c.display:
            passage = f"* abstract; claims 1-{rng.randint(4, 12)}; figure {rng.randint(1, 6)} *"
        cites.append(
            {
                "label": f"D{i}",
                "category": cat,
                "display": c.display,
                "npl": c.npl,
                "owner": c.owner,
                "pub_date": c.pub_date,
                "claims": claims,
                "passage": passage,
            }
        )
    d1 = cites[0]["display"] or "D1" if cites else "the prior art"
    d2 = (cites[1]["display"] or "D2") if len(cites) > 1 else "common general knowledge"
    x_claims = next((c["claims"] for c in cites if c["category"] == "X"), f"1, {k}")
    ctx = {
        "office_name": app.office.name,
        "office_address": address,
        "code": code,
        "form_ref": form_ref,
        "doc_title": title,
        "doc_subtitle": "",
        "doc_date": report.date,
        "application": app,
        "applicants": spec.applicants,
        "priorities": [
            {"display": numbers.normalise(p[1], office=p[0], kind="priority").display, "date": p[2]}
            for p in member.priorities
        ],
        "classification": subj.ipc,
        "citations": cites,
        "examiner": rng.choice(examiners),
        "place": place,
        "reference": f"{spec.applicants[0].split()[0][:4].upper()}-{rng.randint(1000, 9999)}"
        f"{rng.choice(['', 'WO', 'EP', 'PCT'])}",
        "language_note": LANGUAGE_NOTES.get(language, ""),
        "html_lang": "pt" if language == "pt" else "en",
    }
    L = report.length
    noun = subj.noun
    if category == Cat.SEARCH_REPORT:
        ctx["doc_subtitle"] = {
            "isr": "International Searching Authority — PCT Article 18 and Rules 43 and 44",
            "eesr": "Application number as filed — search carried out under Rule 61 EPC",
            "seesr": "Supplementary search under Article 153(7) EPC on the Euro-PCT application",
        }.get(report.kind, "Search carried out by the office on the claims as filed")
        ctx["completed"] = report.date - dt.timedelta(days=rng.randint(3, 12))
        ctx["fields_searched"] = "; ".join(sorted({c.split("/")[0] for c in subj.ipc.split("; ")}))
        ctx["databases"] = {
            "US": "PE2E search (US-PGPUB, USPAT, USOCR, EPO, JPO, DERWENT), IP.com",
            "EP": "EPO-Internal, WPI Data, INSPEC, COMPENDEX",
            "KR": "eKOMPASS (KIPO internal), Google Patents",
            "CN": "CNABS, CNTXT, VEN, CNKI",
            "JP": "JPO internal (FI/F-term), JDreamIII",
            "AU": "EPODOC, WPI, Google Patents",
            "GB": "WPI, EPODOC, Patent Fulltext",
        }.get(office, "EPODOC, WPI, full text")
        ctx["paragraphs"] = (
            []
            if L < 2
            else [
                f"The search was carried out on claims 1-{n} as filed. Claims {k} and 1 are "
                f"independent claims of different categories; a single search was possible.",
            ]
        )
        return ctx
    if category == Cat.WRITTEN_OPINION:
        law = {
            "wo_isa": ("Article 33(2) PCT", "Article 33(3) PCT", "Article 6 PCT"),
            "eso": ("Article 54(1) and (2) EPC", "Article 56 EPC", "Article 84 EPC"),
            "sg_wo": ("section 14", "section 15", "section 25(5)"),
        }[report.kind]
        paras_n = [
            f"Reference is made to the following documents: D1 "
            f"{cites[0]['display'] or cites[0]['npl'][:60]}; "
            f"D2 {cites[1]['display'] or cites[1]['npl'][:60]}."
            if len(cites) > 1
            else "Reference is made to the documents cited in the search report.",
            f"The subject-matter of claim 1 is not new within the meaning of {law[0]}. D1 "
            f"discloses (the references in parentheses applying to this document) a {noun} "
            f"comprising {f1} (paragraphs {_para(rng)}; figure {rng.randint(1, 5)}) and {f2} "
            f"(paragraph {_para(rng)[:6]}]).",
            f"Independent claim {k} contains the corresponding features in terms of a method; "
            f"the objection raised against claim 1 applies mutatis mutandis.",
        ]
        paras_i = [
            f"Dependent claims 2-{min(k - 1, 6)} do not contain any features which, in "
            f"combination with the features of any claim to which they refer, meet the "
            f"requirements of {law[1]}. In particular, {f3} is known from D2 for the same "
            f"purpose, and the skilled person would apply it to the {noun} of D1 without "
            f"inventive skill.",
            f"The additional feature of claim {min(k - 1, 7)} merely represents one of several "
            f"straightforward possibilities from which the skilled person would select, in "
            f"accordance with circumstances, without the exercise of inventive skill.",
            f"Claims {min(k - 1, 8)}-{k - 1} appear to involve an inventive step over the "
            f"documents cited: none of them suggests combining {f3} with {f2}.",
        ]
        paras_c = [
            f'The term "substantially" used in claim 1 has no well-recognised meaning and '
            f"leaves the reader in doubt as to the scope of the claim ({law[2]}).",
            "The description should be brought into conformity with the claims, and the "
            "documents D1 and D2 should be identified in the description with the relevant "
            "background art disclosed therein.",
        ]
        ctx["sections"] = [
            {"heading": "Novelty", "paragraphs": paras_n[: 1 + L]},
            {"heading": "Inventive step", "paragraphs": paras_i[:L]},
            {"heading": "Clarity and other observations", "paragraphs": paras_c[: max(1, L - 1)]},
        ]
        ctx["doc_subtitle"] = {
            "wo_isa": "Box No. V — Reasoned statement with regard to novelty, inventive step "
            "and industrial applicability (Rule 43bis.1(a)(i))",
            "eso": "Annex to the extended European search report (Rule 62 EPC)",
        }.get(report.kind, "Reasoned statement on the claims as filed")
        yes = f"{min(k - 1, 8)}-{k - 1}"
        ctx["statement"] = {
            "novel_yes": f"2-{k - 1}",
            "novel_no": f"1, {k}",
            "inventive_yes": yes,
            "inventive_no": f"1-{min(k - 1, 7)}, {k}",
            "claims": f"1-{n}",
        }
        return ctx
    # Office actions: the law and the deadline differ per office; the reasoning is the same.
    deadline_days = {
        "ctnf": 92,
        "ctfr": 92,
        "ep94": 122,
        "jp_nr": 91,
        "kr_npr": 61,
        "cn_oa1": 122,
        "au_exr": 365,
        "ca_req": 122,
        "gb_s18": 122,
        "il_exr": 92,
        "nz_fer": 365,
        "in_fer": 183,
        "br_pt": 90,
    }[report.kind]
    ctx["deadline"] = report.date + dt.timedelta(days=deadline_days)
    ctx["doc_kind"] = "office action" if office == "US" else "report"
    novelty, inventive, clarity = {
        "ctnf": ("35 U.S.C. 102(a)(1)", "35 U.S.C. 103", "35 U.S.C. 112(b)"),
        "ctfr": ("35 U.S.C. 102(a)(1)", "35 U.S.C. 103", "35 U.S.C. 112(b)"),
        "ep94": ("Article 54 EPC", "Article 56 EPC", "Article 84 EPC"),
        "jp_nr": (
            "Patent Act Article 29(1)(iii)",
            "Patent Act Article 29(2)",
            "Patent Act Article 36(6)(ii)",
        ),
        "kr_npr": (
            "Patent Act Article 29(1)",
            "Patent Act Article 29(2)",
            "Patent Act Article 42(4)(ii)",
        ),
        "cn_oa1": (
            "Article 22.2 of the Patent Law",
            "Article 22.3 of the Patent Law",
            "Article 26.4 of the Patent Law",
        ),
        "au_exr": ("section 7(1) of the Patents Act 1990", "section 7(2)", "section 40(3)"),
        "ca_req": (
            "section 28.2 of the Patent Act",
            "section 28.3 of the Patent Act",
            "subsection 27(4) of the Patent Act",
        ),
        "gb_s18": ("section 1(1)(a)", "section 1(1)(b)", "section 14(5)(b)"),
        "il_exr": (
            "section 4 of the Patents Law",
            "section 5 of the Patents Law",
            "section 13 of the Patents Law",
        ),
        "nz_fer": ("section 6 of the Patents Act 2013", "section 7", "section 39"),
        "in_fer": ("section 2(1)(j)", "section 2(1)(ja)", "section 10(4)(c)"),
        "br_pt": ("Art. 11 da LPI", "Art. 13 da LPI", "Art. 25 da LPI"),
    }[report.kind]
    if report.kind == "br_pt":
        ctx["sections"] = [
            {
                "heading": "Novidade e atividade inventiva",
                "paragraphs": [
                    f"A matéria das reivindicações {x_claims} não atende ao requisito de "
                    f"novidade ({novelty}) frente ao documento D1, que revela {f1}.",
                    f"As reivindicações dependentes não apresentam atividade inventiva "
                    f"({inventive}): a combinação de D1 com D2 é óbvia para um técnico no assunto.",
                ][: 1 + (L > 1)],
            },
            {
                "heading": "Conclusão",
                "paragraphs": [
                    "O pedido não atende às condições de patenteabilidade. O depositante deverá "
                    "manifestar-se no prazo de 90 dias, nos termos do Art. 36 da LPI."
                ],
            },
        ]
        ctx["doc_subtitle"] = "Exame técnico — ciência de parecer (despacho 7.1)"
        return ctx
    intro = {
        "ctnf": f"This action is responsive to the application filed "
        f"{member.filed:%d %B %Y}. Claims 1-{n} are pending; claims 1 and {k} are "
        f"independent.",
        "ctfr": "Applicant's arguments filed with the amendment have been fully considered but "
        "they are not persuasive. THIS ACTION IS MADE FINAL. See MPEP 706.07(a).",
        "ep94": f"The examination is being carried out on the following application documents: "
        f"description pages 1-{rng.randint(18, 40)} as published; claims 1-{n} filed "
        f"with the entry into the regional phase; drawings sheets 1/{rng.randint(4, 9)} "
        f"as published.",
        "jp_nr": "This application should be refused for the reasons stated below. Any argument "
        "against them must be submitted within 60 days (three months for applicants "
        "residing abroad) from the date of dispatch of this notice.",
        "kr_npr": "The application is to be rejected for the following reasons. If you have any "
        "opinion, please submit a written opinion or an amendment by the deadline.",
        "cn_oa1": "After examination of the above application for invention, the examiner's "
        "opinions are as follows. The applicant is requested to submit observations "
        "within four months of the date of this notification.",
        "au_exr": "I have completed the examination of your application. The application does "
        "not satisfy the requirements of the Patents Act 1990 for the reasons below.",
        "ca_req": "The examiner has reviewed the application and identified defects which must "
        "be corrected. In order to avoid abandonment under paragraph 73(1)(a) of the "
        "Patent Act, a written reply must be received by the deadline.",
        "gb_s18": "I have examined your application and the following points arise.",
        "il_exr": "The application was examined and the following objections were raised.",
        "nz_fer": "I have examined your complete specification and the following objections "
        "must be addressed before the application can be accepted.",
        "in_fer": "The application has been examined; the following requirements must be met "
        "to put it in order for grant within six months (Rule 24B(5)).",
    }[report.kind]
    ctx["doc_subtitle"] = intro
    has_x = any(c["category"].startswith("X") for c in cites)
    sections = [
        {
            "heading": "Novelty",
            "paragraphs": [
                f"Claims {x_claims} are objected to under {novelty} as being anticipated by D1. "
                f"D1 discloses a {noun} comprising {f1} (see {_para(rng)}) and {f2} "
                f"(see figure {rng.randint(1, 6)} and the related description).",
                f"In particular, the wording of claim 1 does not distinguish "
                f"the claimed {noun} from "
                f"that of D1: the features said to be new are implicit in the arrangement of "
                f"figure {rng.randint(2, 7)} of D1.",
            ][:L],
        },
        {
            "heading": "Inventive step",
            "paragraphs": [
                f"Claims {min(k - 1, 5)}-{k - 1} are objected to under {inventive}. The difference "
                f"over D1 is {f3}. The problem solved is to improve reliability of the {noun}. "
                f"{d2} teaches {f3} for the same purpose; combining it with D1 is obvious to the "
                f"person skilled in the art.",
                f"The applicant's argument that D1 teaches away from {f3} is not persuasive: D1 "
                f"merely describes a preferred embodiment and does not discourage alternatives.",
                f"No inventive contribution is seen in the ranges of claims {min(k - 1, 6)} and "
                f"{min(k - 1, 7)}; they result from routine optimisation.",
            ][:L],
        },
        {
            "heading": "Clarity",
            "paragraphs": [
                f'Claim {k} is unclear under {clarity}: the expression "configured to optimise" '
                f"does not define a technical feature of the {noun}.",
            ],
        },
    ]
    if not has_x:
        # Nothing anticipates the claims: the report argues inventive step only.
        sections = sections[1:]
        sections[0]["paragraphs"][0] = (
            sections[0]["paragraphs"][0]
            .replace(f"Claims {min(k - 1, 5)}-{k - 1}", f"Claims 1-{k - 1}")
            .replace("The difference over D1", "The closest prior art is D1; the difference")
        )
    if L >= 2:
        sections.append(
            {
                "heading": "Amendments and allowable matter",
                "paragraphs": [
                    f"Claim {min(n, k + 1)} would be allowable if rewritten in independent form "
                    f"including all the features of the base claim and any intervening claims.",
                    "Any amendment must be supported by the application as "
                    "filed; the applicant should "
                    "indicate the basis of every amendment in the description.",
                ][: L - 1],
            }
        )
    if L >= 3:
        sections.append(
            {
                "heading": "Further remarks",
                "paragraphs": [
                    f"The examiner has also considered {d1} and the documents cited in the search "
                    f"reports of corresponding applications in the same family. "
                    f"The results of those "
                    f"searches have been taken into account in this report.",
                    f'The description, page {rng.randint(2, 9)}, refers to "the '
                    f'invention" in terms '
                    f"broader than the claims; these passages should be deleted "
                    f"or amended to avoid "
                    f"inconsistency.",
                    f"If the applicant considers that {f3} produces a surprising technical effect, "
                    f"comparative data should be filed with the response.",
                ],
            }
        )
    if L >= 3:
        feats = [f1, f2, f3]
        sections.append(
            {
                "heading": "Dependent claims",
                "paragraphs": [
                    f"Claim {c}: the additional feature, {feats[c % 3]}, is known from "
                    f"D{1 + c % max(1, len(cites))} ({_para(rng)}) or is a usual "
                    f"design option for a "
                    f"{noun}; claim {c} does not add anything inventive to claim "
                    f"{1 if c < k else k}."
                    for c in range(2, min(n, 11))
                    if c != k
                ],
            }
        )
    ctx["sections"] = sections
    return ctx
