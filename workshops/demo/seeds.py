"""The demo data as plain Python: four real calls for papers, one demo edition and demo users.

The four real calls are transcribed from their public web pages, text repaired where the pages
carried encoding damage. Nothing here is read from files at run time: this module *is* the data.

Conventions (applied by ``workshops.demo.loader``):

* A date of a deadline or a notification is a calendar day; it ends at 23:59:59 in the
  workshop's deadline time zone, which is Anywhere on Earth (``Etc/GMT+12``) unless a seed says
  otherwise. ``{"on": date(2023, 1, 25)}`` becomes 2023-01-26 11:59:59 UTC.
* The workshop day is stored at 12:00 UTC of that day, an instant that falls on the same
  calendar day in every time zone from UTC−12 to UTC+11, so the day shows right wherever the
  page is viewed from (Daejeon is UTC+9, New Orleans UTC−6).
* ``"on": None`` is a date still to be announced (TBD), with an optional ``note``.
* Topics are strings, or ``(topic, [sub-topics])`` pairs (one level of nesting).
* ``extra_pages_allowance`` is not part of any call: it is the room this platform leaves for
  the material a call excludes from its page limit (references, appendices) when it counts a
  PDF's pages. Calls that exclude appendices get more room than calls that exclude only
  references.
"""

from datetime import date

from ..enums import (
    AnnouncedLater,
    Anonymity,
    DateKind,
    Format,
    MemberRole,
    PersonRole,
    PresentationOutcome,
)

PASSWORD = "demo-pass-2026"
EMAIL_DOMAIN = "demo.test"

# Room for the excluded material when the platform counts a PDF's pages (not from the calls).
ALLOWANCE_REFERENCES = 4
ALLOWANCE_REFERENCES_AND_APPENDICES = 20

# ---------------------------------------------------------------------------------------------
# BANDS 2023: Backdoor Attacks and Defenses in Machine Learning, ICLR 2023 (virtual).
# ---------------------------------------------------------------------------------------------

BANDS_2023 = {
    "slug": "bands-2023",
    "name": "Backdoor Attacks and Defenses in Machine Learning",
    "acronym": "BANDS",
    "year": 2023,
    "edition": "",
    "colocated_with": "ICLR 2023",
    "format": Format.VIRTUAL,
    "venue": "",
    "tagline": "",
    "website": "",
    "contact_email": "",
    "anonymity": Anonymity.DOUBLE_BLIND,  # "double-anonymous review process"
    "is_archival": False,
    "proceedings": "",
    "dual_submission_allowed": True,
    "code_of_conduct_url": "https://iclr.cc/public/CodeOfConduct",
    "code_of_ethics_url": "https://iclr.cc/public/CodeOfEthics",
    "template_latex_url": "https://github.com/ICLR/Master-Template/raw/master/iclr2023.zip",
    "template_word_url": "",
    "presentation_outcomes": [
        PresentationOutcome.VIRTUAL_POSTER,
        PresentationOutcome.VIRTUAL_TALK,
    ],
    "overview": """\
Backdoor attacks aim to cause consistent misclassification of any input by adding a specific \
pattern called a trigger. Unlike adversarial attacks requiring generating perturbations on the \
fly to induce misclassification for one single input, backdoor attacks have prompt effects by \
simply applying a pre-chosen trigger. Recent studies have shown the feasibility of launching \
backdoor attacks in various domains, such as computer vision (CV), natural language processing \
(NLP), federated learning (FL), etc. As backdoor attacks are mostly carried out through data \
poisoning (i.e., adding malicious inputs to training data), it raises major concerns for many \
publicly available pre-trained models. Companies relying on user data to construct their \
machine learning models are also susceptible to backdoor attacks.

Defending against backdoor attacks has sparked multiple lines of research, including detecting \
inputs with backdoor triggers, determining whether a model has hidden backdoors, eliminating \
potential backdoors inside a model, etc. Many defense techniques are effective against some \
particular types of backdoor attacks. However, with increasingly emerging diverse backdoors, the \
defense performance of existing work tends to be limited. Most defense techniques and attacks \
are developed for the computer vision domain. It is yet to explore the connection between \
attacks and defenses among different domains.

With the wide adoption of large pre-trained models in real-world applications, any injected \
malicious behaviors, such as backdoors in those models, are particularly concerning. It is, \
therefore, particularly important to gather researchers in the area and expand the community to \
improve the security of machine learning.

This workshop aims to answer the following questions:

- What other types of backdoor attacks can we find in CV/NLP/FL machine learning models?
- Can we launch backdoor attacks in other domains, such as binary analysis tools, network \
intrusion detection systems, reinforcement learning, etc.?
- What are the similarities and differences of backdoor attacks in various tasks?
- How can we measure the stealthiness of backdoor attacks in different domains? What are the \
costs and practicality of launching backdoor attacks in the real world?
- What is the performance of existing defense techniques in studied domains? Can they be \
adapted to other domains?
- How can we develop a general defense method against a variety of backdoor attacks and even \
unseen attacks?
- Are there other forms of defenses that are practical in the real world?
""",
    "call_for_papers": """\
We invite submissions on any aspect of backdoor attacks and defenses in machine learning, which \
includes but is not limited to the topics listed below.

The workshop will employ a double-anonymous review process. Each submission will be evaluated \
based on the following criteria: soundness of the methodology, novelty, relevance to the \
workshop, and societal impacts.

We only consider submissions that haven’t been published in any peer-reviewed venue, including \
ICLR 2023 conference. **We allow dual submission with other workshops or conferences. The \
workshop is non-archival and will not have any official proceedings.** All accepted papers will \
be allocated either a virtual poster presentation, or a virtual talk slot.

### Code of Conduct (drawn from ICLR)

All workshop participants, including authors, are required to adhere to the ICLR code of \
conduct (<https://iclr.cc/public/CodeOfConduct>). All authors of submitted papers are required \
to read the Code of Conduct, adhere to it, and explicitly acknowledge this during the submission \
process. The Code of Conduct applies to all conference participation, including paper \
submission, reviewing, and paper discussion.

### Code of Ethics (drawn from ICLR)

All workshop participants, including authors, are required to adhere to the ICLR Code of Ethics \
(<https://iclr.cc/public/CodeOfEthics>). All authors of submitted papers are required to read \
the Code of Ethics, adhere to it, and explicitly acknowledge this during the submission process. \
The Code of Ethics applies to all conference participation, including paper submission, \
reviewing, and paper discussion.
""",
    "submission_instructions": """\
Papers should be submitted to OpenReview: \
<https://openreview.net/group?id=ICLR.cc/2023/Workshop/BANDS>

Submitted papers should have up to 4 pages (excluding references, acknowledgements, or \
appendices). Please use the ICLR submission template provided at: \
<https://github.com/ICLR/Master-Template/raw/master/iclr2023.zip>

Submissions must be anonymous following ICLR double-blind reviewing guidelines, ICLR Code of \
Conduct and Code of Ethics. Accepted papers will be hosted on this workshop website but are \
considered non-archival and can be submitted to other workshops, conferences or journals if \
their submission policy allows.
""",
    # The call's "Camera Ready" section. Its template link, "Download (LaTeX)", is relative
    # (./files/iclr2023.zip) to the call's page, https://iclr23-bands.github.io/cfp.html: a
    # camera-ready copy of the template, not the ICLR master template linked for submissions.
    "camera_ready_instructions": """\
The final version should be submitted to OpenReview: \
<https://openreview.net/group?id=ICLR.cc/2023/Workshop/BANDS>

The final version should have up to 4 pages (excluding references, acknowledgements, or \
appendices). It is recommended to use the template provided at: \
[Download (LaTeX)](https://iclr23-bands.github.io/files/iclr2023.zip)

Or modify the submission LaTeX files as follows:

- Add the command `\\iclrfinalcopy` in `iclr2023_conference.tex`
- Change line 88 in `iclr2023_conference.sty` to \
`\\lhead{Published at ICLR 2023 Workshop on Backdoor Attacks and Defenses in Machine Learning}`
""",
    "camera_ready_template_url": "https://iclr23-bands.github.io/files/iclr2023.zip",
    "dates": [
        {
            "kind": DateKind.PAPER_SUBMISSION,
            "on": date(2023, 1, 25),
            "extended_to": date(2023, 2, 3),
        },
        {"kind": DateKind.AUTHOR_NOTIFICATION, "on": date(2023, 3, 3)},
        {"kind": DateKind.CAMERA_READY, "on": date(2023, 4, 15)},
    ],
    "submission_types": [
        {
            "name": "Workshop paper",
            "description": "Up to 4 pages, excluding references, acknowledgements, or "
            "appendices, in the ICLR 2023 template.",
            "page_limit": 4,
            "references_excluded": True,
            "appendices_excluded": True,
            "extra_pages_allowance": ALLOWANCE_REFERENCES_AND_APPENDICES,
        },
    ],
    "criteria": [
        {"name": "Soundness of the methodology"},
        {"name": "Novelty"},
        {"name": "Relevance to the workshop"},
        {"name": "Societal impacts"},
    ],
    "topics": [
        "Novel backdoor attacks against ML systems, including CV, NLP, ML models in "
        "cyber-physical systems, etc.",
        "Detecting backdoored models under different threat models, such as having limited "
        "clean data or no data, no access to model weights, using attack samples, etc.",
        "Eliminating backdoors in attacked models under different settings, such as limited "
        "access or no access to the original training/test data",
        "Certification/verification methods against backdoor attacks with guarantees",
        "Real-world or physical backdoor attacks in deployed systems, such as autonomous "
        "driving systems, facial recognition systems, etc.",
        "Hardware-based backdoor attacks in ML",
        "Backdoors in distributed learning, federated learning, reinforcement learning, etc.",
        "Theoretical understanding of backdoor attacks in machine learning",
        "Explainable and interpretable AI in backdoor scenario",
        "Futuristic concerns on trustworthiness and societal impact of ML systems regarding "
        "backdoor threats",
        "Exploration of the relation among backdoors, adversarial robustness, fairness",
        "New applications of backdoors in other scenarios, such as watermarking ML property, "
        "boosting privacy attacks, etc.",
    ],
    "people": [],
}

# ---------------------------------------------------------------------------------------------
# BUGS 2023: Backdoors in Deep Learning: The Good, the Bad, and the Ugly, NeurIPS 2023.
# ---------------------------------------------------------------------------------------------

BUGS_2023 = {
    "slug": "bugs-2023",
    "name": "Backdoors in Deep Learning: The Good, the Bad, and the Ugly",
    "acronym": "BUGS",
    "year": 2023,
    "edition": "",
    "colocated_with": "NeurIPS 2023",
    "format": Format.IN_PERSON,
    "venue": "New Orleans, USA",
    "tagline": "Modern AI development requires using and sharing of models and data safely. "
    "Uncovering backdoor, a foe and a friend at the front door.",
    "website": "https://neurips2023-bugs.github.io",
    "contact_email": "",
    "anonymity": Anonymity.DOUBLE_BLIND,
    "is_archival": False,
    "proceedings": "",
    "dual_submission_allowed": True,
    # The call refers to the NeurIPS Code of Conduct and Code of Ethics without linking them.
    "code_of_conduct_url": "",
    "code_of_ethics_url": "",
    "template_latex_url": "https://neurips.cc/Conferences/2023/PaperInformation/StyleFiles",
    "template_word_url": "",
    "presentation_outcomes": [PresentationOutcome.POSTER, PresentationOutcome.TALK],
    "overview": """\
Deep neural networks (DNNs) are revolutionizing almost all AI domains and have become the core \
of many modern AI systems. Despite their superior performance compared to classical methods, \
DNNs also face new security problems, such as adversarial and backdoor attacks, that are hard to \
discover and resolve due to their black-box-like property. Backdoor attacks are possible because \
of insecure model pretraining and outsourcing practices. Due to the complexity and the \
tremendous cost of collecting data and training models, many individuals/companies employ \
models or training data from third parties. Malicious third parties can add backdoors into their \
models or poison their released data before delivering it to the victims to gain illegal \
benefits. This threat seriously damages the safety and trustworthiness of AI development.

While most works consider backdoors “evil”, some studies leverage them for good purposes. A \
popular approach is to use the backdoor as a watermark to detect illegal uses of commercialized \
data/models. Watermarks can also be used to mark generated data, which becomes crucial with the \
introduction of big generative models (LLMs, text-to-image generators). For instance, the paper \
“A Watermark for Large Language Models” has received an outstanding paper award at ICML 2023, \
showing the community’s great interest in this critical topic. Besides, a few works employ the \
backdoor as a trapdoor for adversarial defense. Learning the underlying working mechanisms of \
backdoors also elevates our understanding of how deep learning models work.

This workshop is designed to provide a comprehensive understanding of the current state of \
backdoor research. Our goal is to foster discussion and perspective exchange, as well as to \
engage the community in identifying social good applications of backdoors.
""",
    "call_for_papers": """\
We cordially invite submissions and participation in our “Backdoors in Deep Learning: The Good, \
the Bad, and the Ugly” workshop (neurips2023-bugs.github.io) that will be held on December 15 or \
16, 2023 at NeurIPS 2023, New Orleans, USA.

The submission deadline is **September 29, 2023, 23:59 AoE** and the submission link \
<https://openreview.net/group?id=NeurIPS.cc/2023/Workshop/BUGS>.

We welcome submissions related to any aspect of backdoor research, including but not limited to \
the topics listed below.

The workshop will employ a double-blind review process. Each submission will be evaluated based \
on the following criteria: soundness of the methodology, relevance to the workshop, and societal \
impacts.

We only consider submissions that haven’t been published in any peer-reviewed venue, including \
NeurIPS 2023 conference. **We allow dual submissions with other workshops or conferences. The \
workshop is non-archival and will not have any official proceedings**. All accepted papers will \
be allocated either a poster presentation or a talk slot.
""",
    "submission_instructions": """\
Papers should be submitted to OpenReview: \
<https://openreview.net/group?id=NeurIPS.cc/2023/Workshop/BUGS>

Submitted papers should have up to 6 pages (excluding references, acknowledgments, or \
appendices). Please use the NeurIPS submission template provided at \
<https://neurips.cc/Conferences/2023/PaperInformation/StyleFiles>.

Submissions must be anonymous following NeurIPS double-blind reviewing guidelines, NeurIPS Code \
of Conduct, and Code of Ethics. Accepted papers will be hosted on the workshop website but are \
considered non-archival and can be submitted to other workshops, conferences, or journals if \
their submission policy allows.
""",
    # The page has "Schedule (Coming Soon)", "Speakers (Coming Soon)" and "Panelists (Coming
    # Soon)" headings with nothing under them yet.
    "announced_later": [
        AnnouncedLater.SCHEDULE,
        AnnouncedLater.SPEAKERS,
        AnnouncedLater.PANELISTS,
    ],
    "dates": [
        {"kind": DateKind.PAPER_SUBMISSION, "on": date(2023, 9, 29)},
        {"kind": DateKind.AUTHOR_NOTIFICATION, "on": date(2023, 10, 27)},
        {"kind": DateKind.CAMERA_READY, "on": date(2023, 12, 1)},
        {"kind": DateKind.WORKSHOP_DAY, "on": None, "note": "December 15 or 16, 2023"},
    ],
    "submission_types": [
        {
            "name": "Workshop paper",
            "description": "Up to 6 pages, excluding references, acknowledgments, or "
            "appendices, in the NeurIPS 2023 template.",
            "page_limit": 6,
            "references_excluded": True,
            "appendices_excluded": True,
            "extra_pages_allowance": ALLOWANCE_REFERENCES_AND_APPENDICES,
        },
    ],
    "criteria": [
        {"name": "Soundness of the methodology"},
        {"name": "Relevance to the workshop"},
        {"name": "Societal impacts"},
    ],
    "topics": [
        (
            "Backdoor attacks",
            [
                "Poisoning attacks",
                "Dirty-label backdoor attacks",
                "Clean-label backdoor attacks",
                "Backdoors in various learning paradigms (supervised, semi-supervised, "
                "self-supervised)",
                "Backdoors in various computer vision tasks (object detection, segmentation)",
                "Backdoors in multimodal models (vision+language)",
                "Backdoors in federated learning",
                "Backdoors in NLP and less-studied domains (speech, graphs)",
                "Backdoors in generative models (e.g., Diffusion models)",
                "Backdoors in Large Language Models",
            ],
        ),
        (
            "Backdoor defenses",
            [
                # One line of the source page, two topics.
                "Backdoor detection (poisoned inputs, poisoned models)",
                "Backdoor mitigation (data sanitization, model repair)",
                "Understanding backdoor behaviors",
            ],
        ),
        (
            "Backdoor for social good",
            [
                "Watermarking (for IP Protection, Ownership Verification, Generative Data "
                "Marking, etc...)",
                "Trapdoor/Honeypot defenses",
                "Model unlearning",
                "Deep model behavior understanding",
            ],
        ),
    ],
    "people": [
        {
            "name": "Khoa D Doan",
            "affiliation": "VinUniversity, Vietnam",
            "website": "https://khoadoan.me",
        },
        {
            "name": "Aniruddha Saha",
            "affiliation": "University of Maryland, College Park, USA",
            "website": "https://ani0075saha.github.io",
        },
        {
            "name": "Anh Tuan Tran",
            "affiliation": "VinAI Research, Vietnam",
            "website": "https://scholar.google.com/citations?user=FYZ5ODQAAAAJ&hl=en",
        },
        {
            "name": "Yingjie Lao",
            "affiliation": "Clemson University, USA",
            "website": "https://ylao.people.clemson.edu",
        },
        {
            "name": "Kok-seng Wong",
            "affiliation": "VinUniversity, Vietnam",
            "website": "https://vinuni.edu.vn/people/kok-seng-wong",
        },
        {
            "name": "Ang Li",
            "affiliation": "Simular Research, USA",
            "website": "https://angli.ai",
        },
        {
            "name": "Haripriya Harikumar",
            "affiliation": "Deakin University, Australia",
            "website": "https://haripriyaaharikumar.github.io",
        },
        {
            "name": "Eugene Bagdasaryan",
            "affiliation": "Cornell Tech, USA",
            "website": "https://ebagdasa.github.io/",
        },
        {
            "name": "Micah Goldblum",
            "affiliation": "New York University, USA",
            "website": "https://goldblum.github.io/",
        },
        {
            "name": "Tom Goldstein",
            "affiliation": "University of Maryland, College Park, USA",
            "website": "https://www.cs.umd.edu/~tomg/",
        },
    ],
}

# ---------------------------------------------------------------------------------------------
# SAFE-ML 2026: 2nd International Workshop on Secure, Accountable, and Verifiable Machine
# Learning, ICST 2026, Daejeon. The call names no organizers and gives no time of day or zone
# for its dates: they are taken as Anywhere on Earth, the most lenient reading.
# ---------------------------------------------------------------------------------------------

SAFE_ML_2026 = {
    "slug": "safe-ml-2026",
    "name": "International Workshop on Secure, Accountable, and Verifiable Machine Learning",
    "acronym": "SAFE-ML",
    "year": 2026,
    "edition": "2nd",
    "colocated_with": "ICST 2026 (19th IEEE International Conference on Software Testing, "
    "Verification and Validation)",
    "format": Format.IN_PERSON,
    "venue": "Daejeon, South Korea",
    "tagline": "",
    "website": "",
    "contact_email": "",
    # The call states neither a review policy nor a dual-submission policy, and links no template
    # (it names the IEEE conference proceedings template, see submission_instructions).
    "anonymity": Anonymity.NOT_STATED,
    "is_archival": True,
    "proceedings": "IEEE Digital Library",
    "dual_submission_allowed": None,
    "code_of_conduct_url": "",
    "code_of_ethics_url": "",
    "template_latex_url": "",
    "template_word_url": "",
    "presentation_outcomes": [],
    "overview": """\
The 2nd International Workshop on Secure, Accountable, and Verifiable Machine Learning \
(SAFE-ML 2026), co-located with the 19th IEEE International Conference on Software Testing, \
Verification and Validation (ICST 2026), will be a physical event (Mon 18 - Fri 22 May 2026) \
and will be held in Daejeon, South Korea. SAFE-ML 2026 is scheduled for 22nd May 2026.

The International Workshop on Secure, Accountable, and Verifiable Machine Learning (SAFE-ML) \
addresses the critical challenges at the intersection of Machine Learning (ML) and software \
testing. As ML systems are increasingly adopted across various sectors, concerns about privacy \
breaches, security vulnerabilities, and biased decision-making have grown.

This workshop focuses on developing innovative methods, tools, and techniques to comprehensively \
test and validate the security aspects of ML systems, ensuring their safe and reliable \
deployment. SAFE-ML seeks to foster discussion and drive the creation of solutions that \
streamline the testing of ML systems from multiple perspectives.
""",
    "call_for_papers": """\
Machine Learning (ML) models are becoming deeply integrated into our daily lives, with their use \
expected to expand even further in the coming years. However, as these models grow in \
importance, potential vulnerabilities — such as biased decision-making and privacy breaches — \
could result in serious unintended consequences.

The 2nd International Workshop on Secure, Accountable, and Verifiable Machine Learning \
(SAFE-ML 2026) aims to bring together experts from industry and academia, with software testing \
and ML backgrounds, to discuss and address these challenges. The focus will be on innovative \
methods and tools to ensure correctness, robustness, security, fairness of ML models and in \
decentralized learning schemes. Topics of the workshop will cover, but are not limited to, the \
topics listed below.

Submissions may fall into three categories: full papers (up to 8 pages), short papers (up to 4 \
pages) and position papers (up to 2 pages), all excluding references.
""",
    "submission_instructions": """\
The submissions must conform to the IEEE conference proceedings template, specified in the IEEE \
Conference Proceedings Formatting Guidelines. All the accepted papers will be published as \
proceedings through the IEEE Digital Library.

Submission site: <https://easychair.org/conferences/?conf=safeml2026>
""",
    # "Contacts: Any doubts or queries can be addressed to the General Co-Chairs using the
    # following e-mails:", and the copied page has no address (nor any name) after it.
    "contact_note": """\
Any doubts or queries can be addressed to the General Co-Chairs. The call names no e-mail \
address for them, so none is shown here.
""",
    "dates": [
        {"kind": DateKind.PAPER_SUBMISSION, "on": date(2026, 3, 6)},
        {"kind": DateKind.AUTHOR_NOTIFICATION, "on": date(2026, 3, 27)},
        {"kind": DateKind.CAMERA_READY, "on": date(2026, 4, 10)},
        {"kind": DateKind.WORKSHOP_DAY, "on": date(2026, 5, 22)},
    ],
    "submission_types": [
        {
            "name": "Full Paper",
            "description": "Comprehensive presentations of mature research findings or "
            "industrial applications.",
            "page_limit": 8,
            "references_excluded": True,
            "appendices_excluded": False,
            "extra_pages_allowance": ALLOWANCE_REFERENCES,
        },
        {
            "name": "Short Paper",
            "description": "Explorations of emerging ideas or preliminary research results.",
            "page_limit": 4,
            "references_excluded": True,
            "appendices_excluded": False,
            "extra_pages_allowance": ALLOWANCE_REFERENCES,
        },
        {
            "name": "Position Paper",
            "description": "Statements outlining positions or open challenges that stimulate "
            "discussion and debate.",
            "page_limit": 2,
            "references_excluded": True,
            "appendices_excluded": False,
            "extra_pages_allowance": ALLOWANCE_REFERENCES,
        },
    ],
    # The call lists no review criteria.
    "criteria": [],
    "topics": [
        "Privacy preservation of ML models",
        "Adversarial robustness in ML models",
        "Security of ML models against poisoning attacks",
        "Ensuring fairness and mitigating bias in ML models",
        "Unlearning algorithms in ML",
        "Security, robustness, and privacy for Large Language Models (LLMs)",
        "Unlearning algorithms in decentralized learning schemes, such as Federated Learning "
        "(FL), gossip learning and split learning",
        "Secure aggregation in FL",
        "Robustness of FL models against malicious clients or model inversion attacks",
        "Secure model updates in FL",
        "Explainability and interpretability of ML algorithms",
        "ML accountability",
    ],
    "people": [],
}

# ---------------------------------------------------------------------------------------------
# Secure and Safe ML: a virtual workshop whose page gives no date, no year, no submission types
# and no policy. All of these stay unstated: no year, dates TBD, policies "not stated" (None).
# ---------------------------------------------------------------------------------------------

SECURE_SAFE_ML = {
    "slug": "secure-and-safe-ml",
    "name": "Secure and Safe ML",
    "acronym": "",
    "year": None,
    "edition": "",
    "colocated_with": "",
    "format": Format.VIRTUAL,
    "venue": "",
    "tagline": "Bridging the security and safety communities to discuss principles of "
    "developing secure and safe ML systems.",
    "website": "",
    "contact_email": "",
    "anonymity": Anonymity.NOT_STATED,
    "is_archival": None,
    "proceedings": "",
    "dual_submission_allowed": None,
    "code_of_conduct_url": "",
    "code_of_ethics_url": "",
    "template_latex_url": "",
    "template_word_url": "",
    "presentation_outcomes": [],
    "overview": """\
The workshop will be held *virtually*.

While machine learning (ML) models have achieved great success in many applications, concerns \
have been raised about their potential vulnerabilities and risks when applied to \
safety-critical applications. On the one hand, from the security perspective, studies have been \
conducted to explore worst-case attacks against ML models and therefore inspire both empirical \
and certifiable defense approaches. On the other hand, from the safety perspective, researchers \
have looked into safe constraints, which should be satisfied by safe AI systems (e.g. autonomous \
driving vehicles should not hit pedestrians). This workshop makes the first attempts towards \
bridging the gap of these two communities and aims to discuss principles of developing secure \
and safe ML systems. The workshop also focuses on how future practitioners should prepare \
themselves for reducing the risks of unintended behaviors of sophisticated ML models.

The workshop will bring together experts from machine learning, computer security, and AI \
safety communities. We attempt to highlight recent related work from different communities, \
clarify the foundations of secure and safe ML, and chart out important directions for future \
work and cross-community collaborations.

There have been some previous workshops on the security and privacy perspectives of machine \
learning, as well as the formal verification for machine learning models. Different from \
previous workshops, our proposed workshop seeks to broaden the community by appealing to \
researchers working on both theoretical studies and practical applications, including \
theoretical machine learning and real-world deployment of machine learning models (e.g., \
autonomous vehicles and robotics). In particular, one of our goals is to bring solutions from \
the adversarial robustness literature to bear on the robustness of AI systems that often fail \
due to the distribution shift, sensor malfunctions, and unexpected inputs. Likewise, we seek to \
introduce the techniques to improve safety under uncertainty from the ML systems/applications \
community, which provides a different angle from the study of robustness from the security \
perspective.
""",
    "call_for_papers": """\
Topics include but are not limited to those listed below.
""",
    "submission_instructions": "",
    "dates": [
        {"kind": DateKind.WORKSHOP_DAY, "on": None},
    ],
    "submission_types": [],
    "criteria": [],
    "topics": [
        "Adversarial attacks against ML systems, including training and test time attacks",
        "Improving model robustness against attacks, including empirical and certifiable defenses",
        "Theoretical understanding of adversarial machine learning",
        "AI safety for real-world deployment",
        "Formal verification of machine learning systems",
        "Explainable and interpretable AI",
        "Futuristic concerns about AI safety",
    ],
    "people": [],
}

SEED_WORKSHOPS = [BANDS_2023, BUGS_2023, SAFE_ML_2026, SECURE_SAFE_ML]

# ---------------------------------------------------------------------------------------------
# The demo edition: fictional, labelled as a demo, with an open call. Its dates are offsets in
# days from the day the loader runs, so a fresh install always has a call to submit to.
# ---------------------------------------------------------------------------------------------

DEMO_EDITION = {
    "slug": "demo-trustworthy-ml",
    "name": "Demo Workshop on Trustworthy ML",
    "acronym": "DEMO-TML",
    # "year" is the year of the workshop day, computed by the loader.
    "edition": "",
    "colocated_with": "",
    "format": Format.HYBRID,
    "venue": "Example City (fictional venue)",
    "tagline": "A demonstration call for papers: not a real workshop. Try submitting, "
    "reviewing and deciding here.",
    "website": "",
    "contact_email": f"chair@{EMAIL_DOMAIN}",
    "anonymity": Anonymity.DOUBLE_BLIND,
    "is_archival": False,
    "proceedings": "",
    "dual_submission_allowed": True,
    "code_of_conduct_url": "https://example.org/demo/code-of-conduct",
    "code_of_ethics_url": "",
    "template_latex_url": "https://example.org/demo/latex-template.zip",
    "template_word_url": "",
    "presentation_outcomes": [PresentationOutcome.TALK, PresentationOutcome.POSTER],
    "overview": """\
**This is a demo workshop.** It exists so that you can try the whole life of a call for papers \
on this site: submit a paper as an author, bid and review as a member of the programme \
committee, and decide as a chair. Nothing submitted here is published anywhere.

The Demo Workshop on Trustworthy ML gathers (fictional) researchers working on the robustness, \
privacy, fairness and accountability of machine learning systems. Its dates move with the \
calendar: the call is always open, and reviewing starts once it closes. To see the end of a \
cycle (released decisions, camera-ready papers, the program), visit the \
[complete demo edition](/w/demo-trustworthy-ml-2025/).
""",
    "call_for_papers": """\
We invite demo submissions on any aspect of trustworthy machine learning, including but not \
limited to the topics listed below.

Reviewing is double-blind: submissions must not reveal their authors' identity. Each submission \
is evaluated on the criteria listed below. The workshop is non-archival, and dual submissions \
are allowed.
""",
    "submission_instructions": """\
Register the title and abstract of your paper before the abstract registration deadline, then \
upload the anonymized PDF before the paper submission deadline. Supplementary material may be \
uploaded as a ZIP archive.

Demo logins are listed in the project's README; every demo account uses the password \
`demo-pass-2026`.
""",
    "dates": [
        {"kind": DateKind.ABSTRACT_REGISTRATION, "in_days": 14},
        {"kind": DateKind.PAPER_SUBMISSION, "in_days": 21},
        {"kind": DateKind.REVIEWS_DUE, "in_days": 42},
        {"kind": DateKind.AUTHOR_NOTIFICATION, "in_days": 49},
        {"kind": DateKind.CAMERA_READY, "in_days": 63},
        {"kind": DateKind.WORKSHOP_DAY, "in_days": 84},
    ],
    "submission_types": [
        {
            "name": "Full paper",
            "description": "Complete research results.",
            "page_limit": 8,
            "references_excluded": True,
            "appendices_excluded": True,
            "extra_pages_allowance": ALLOWANCE_REFERENCES_AND_APPENDICES,
        },
        {
            "name": "Short paper",
            "description": "Preliminary results and new ideas.",
            "page_limit": 4,
            "references_excluded": True,
            "appendices_excluded": False,
            "extra_pages_allowance": ALLOWANCE_REFERENCES,
        },
        {
            "name": "Extended abstract",
            "description": "Recently published work or a position to discuss.",
            "page_limit": 2,
            "references_excluded": True,
            "appendices_excluded": False,
            "extra_pages_allowance": ALLOWANCE_REFERENCES,
        },
    ],
    "criteria": [
        {
            "name": "Soundness",
            "description": "Are the claims supported by the methods and the evidence?",
        },
        {"name": "Novelty", "description": "Does the work bring new ideas or results?"},
        {"name": "Relevance", "description": "Does the work fit the topics of the workshop?"},
        {"name": "Clarity", "description": "Is the paper clearly written and well organized?"},
        # No "Overall recommendation" criterion: every review form asks for one already.
    ],
    "topics": [
        (
            "Robustness",
            ["Adversarial examples", "Distribution shift", "Certified robustness"],
        ),
        (
            "Privacy",
            ["Membership inference", "Differential privacy", "Machine unlearning"],
        ),
        (
            "Backdoors and poisoning",
            ["Data poisoning", "Backdoor detection", "Watermarking"],
        ),
        "Fairness and accountability",
        "Evaluation and benchmarks",
    ],
    "people": [
        {
            "name": "Dana Demo",
            "title": "General chair (demo)",
            "affiliation": "Example University (fictional)",
        },
        {
            "name": "Sam Sample",
            "title": "Program chair (demo)",
            "affiliation": "Placeholder Institute of Technology (fictional)",
        },
        {
            "role": PersonRole.SPEAKER,
            "name": "Morgan Mock",
            "title": "Keynote speaker (demo)",
            "affiliation": "Imaginary Labs (fictional)",
            "talk_title": "What a demo workshop can teach us about real ones",
        },
    ],
}

# ---------------------------------------------------------------------------------------------
# The complete demo edition: the same fictional workshop, one edition earlier, whose whole cycle
# has run (papers, reviews, released decisions, camera-ready versions, terms, program). Its dates
# are fixed: it is over. Archival, so its proceedings bundle can be downloaded. The papers,
# reviews and the rest are written by ``workshops.demo.cycle``.
# ---------------------------------------------------------------------------------------------

COMPLETE_EDITION = {
    **DEMO_EDITION,
    "slug": "demo-trustworthy-ml-2025",
    "name": "Demo Workshop on Trustworthy ML (demo, complete cycle)",
    "year": 2025,
    "timezone": "UTC",
    "tagline": "A demonstration edition whose cycle is complete: not a real workshop. See "
    "released decisions, camera-ready papers, the accepted papers and the program.",
    "contact_email": f"chair@{EMAIL_DOMAIN}",
    "is_archival": True,
    "proceedings": "Demo Proceedings of the Workshop on Trustworthy ML 2025 (fictional)",
    "dual_submission_allowed": False,
    "overview": """\
**This is a demo workshop, and its cycle is over.** Everything a workshop goes through has \
happened here: papers were submitted and reviewed, decisions were released, the authors of \
the accepted papers uploaded their camera-ready versions and accepted the publication terms, \
and the chairs published the accepted papers and the program. Nothing here is published \
anywhere else, and the proceedings are fictional.

For a call that is still open, see the [open demo edition](/w/demo-trustworthy-ml/).
""",
    "call_for_papers": """\
We invited demo submissions on any aspect of trustworthy machine learning, including but not \
limited to the topics listed below.

Reviewing was double-blind. The workshop is archival: accepted papers appear in its \
(fictional) proceedings, so dual submissions were not allowed.
""",
    "submission_instructions": """\
Papers were submitted as anonymized PDFs. Demo logins are listed in the project's README; \
every demo account uses the password `demo-pass-2026`.
""",
    "camera_ready_instructions": """\
The final version names its authors and may use one more page than the review version. Upload \
it on the paper's camera-ready page, confirm the title, abstract and author list as they will \
be printed, and accept the copyright form.
""",
    "dates": [
        {"kind": DateKind.ABSTRACT_REGISTRATION, "on": date(2025, 4, 18)},
        {"kind": DateKind.PAPER_SUBMISSION, "on": date(2025, 4, 25)},
        {"kind": DateKind.REVIEWS_DUE, "on": date(2025, 5, 23)},
        {"kind": DateKind.AUTHOR_NOTIFICATION, "on": date(2025, 6, 6)},
        {"kind": DateKind.CAMERA_READY, "on": date(2025, 6, 27)},
        {"kind": DateKind.WORKSHOP_DAY, "on": date(2025, 7, 18)},
    ],
    "submission_types": [
        {**item, "camera_ready_page_limit": item["page_limit"] + 1 + item["extra_pages_allowance"]}
        for item in DEMO_EDITION["submission_types"]
    ],
    "people": [
        *DEMO_EDITION["people"],
        {
            "role": PersonRole.PANELIST,
            "name": "Robin Placeholder",
            "title": "Panelist (demo)",
            "affiliation": "Fictional Foundation for Safe AI",
        },
        {
            "role": PersonRole.PANELIST,
            "name": "Alex Example",
            "title": "Panelist (demo)",
            "affiliation": "Sample Systems Inc. (fictional)",
        },
    ],
}

# ---------------------------------------------------------------------------------------------
# The response demo edition: the same fictional workshop in the middle of its cycle. Its
# submission deadline and its reviews due date have passed, the author response window is open
# (the response deadline a few days ahead) and no decision is made yet. Its dates are offsets in
# days from the day the loader first runs, like the open edition's, and its review phase follows
# them ("Author response"). Area chairs, meta-reviews, author responses, reviewer guidelines, a
# custom review question and custom submission fields are written by ``workshops.demo.response``.
# ---------------------------------------------------------------------------------------------

RESPONSE_EDITION = {
    **DEMO_EDITION,
    "slug": "demo-trustworthy-ml-response",
    "name": "Demo Workshop on Trustworthy ML (demo, author response)",
    "acronym": "DEMO-TML-AR",
    "tagline": "A demonstration edition in its author response: not a real workshop. Reviews are "
    "in, area chairs are at work, and authors answer the reviews before the decisions.",
    "overview": """\
**This is a demo workshop, in the middle of its cycle.** The call is closed and the reviews are \
in; the authors are reading them and writing their responses until the response deadline, a \
few days from now. Two area chairs oversee the reviews of their papers and write meta-reviews \
for the chairs. No decision is made yet. Nothing submitted here is published anywhere.

For a call that is still open, see the [open demo edition](/w/demo-trustworthy-ml/); for the \
end of a cycle, the [complete demo edition](/w/demo-trustworthy-ml-2025/).
""",
    "call_for_papers": """\
We invited demo submissions on any aspect of trustworthy machine learning, including but not \
limited to the topics listed below.

Reviewing is double-blind, with one area chair per paper. After the reviews, authors may answer \
them in an author response of at most 500 words; reviewers and the area chair read it before the \
discussion. The workshop is non-archival, and dual submissions are allowed.
""",
    "submission_instructions": """\
Papers were submitted as anonymized PDFs. Demo logins are listed in the project's README; \
every demo account uses the password `demo-pass-2026`.
""",
    "dates": [
        {"kind": DateKind.ABSTRACT_REGISTRATION, "in_days": -42},
        {"kind": DateKind.PAPER_SUBMISSION, "in_days": -35},
        {"kind": DateKind.REVIEWS_DUE, "in_days": -4},
        {"kind": DateKind.AUTHOR_RESPONSE, "in_days": 4},
        {"kind": DateKind.AUTHOR_NOTIFICATION, "in_days": 14},
        {"kind": DateKind.CAMERA_READY, "in_days": 28},
        {"kind": DateKind.WORKSHOP_DAY, "in_days": 49},
    ],
}

# ---------------------------------------------------------------------------------------------
# Demo users. Every one has the password PASSWORD and a verified, primary e-mail address.
# Institutions and their domains are fictional (.example is reserved for examples); some authors
# share an institution with a reviewer, so conflicts of interest show up in the demo.
# ---------------------------------------------------------------------------------------------

ADMIN = {
    "email": f"admin@{EMAIL_DOMAIN}",
    "full_name": "Avery Admin (demo site administrator)",
    "affiliation": "",
    "email_domains": "",
    "is_superuser": True,
}

CHAIR = {
    "email": f"chair@{EMAIL_DOMAIN}",
    "full_name": "Dana Demo",
    "affiliation": "Example University (fictional)",
    "email_domains": "example-university.example",
}

REVIEWERS = [
    {
        "email": f"reviewer1@{EMAIL_DOMAIN}",
        "full_name": "Amara Okafor",
        "affiliation": "Northbridge University",
        "email_domains": "cs.northbridge.example",
    },
    {
        "email": f"reviewer2@{EMAIL_DOMAIN}",
        "full_name": "Lukas Brandt",
        "affiliation": "Rhine Institute of Technology",
        "email_domains": "rit.example",
    },
    {
        "email": f"reviewer3@{EMAIL_DOMAIN}",
        "full_name": "Mei Lin Tan",
        "affiliation": "Harbourview University",
        "email_domains": "harbourview.example",
    },
    {
        "email": f"reviewer4@{EMAIL_DOMAIN}",
        "full_name": "Rafael Moreira",
        "affiliation": "Atlantico Research Lab",
        "email_domains": "atlantico-labs.example",
    },
    {
        "email": f"reviewer5@{EMAIL_DOMAIN}",
        "full_name": "Priya Raman",
        "affiliation": "Deccan Institute of Science",
        "email_domains": "dis.example",
    },
    {
        "email": f"reviewer6@{EMAIL_DOMAIN}",
        "full_name": "Sofia Lindqvist",
        "affiliation": "Nordvik University",
        "email_domains": "nordvik.example",
    },
]

AUTHORS = [
    {
        "email": f"author1@{EMAIL_DOMAIN}",
        "full_name": "Hana Sato",
        "affiliation": "Northbridge University",
        "email_domains": "cs.northbridge.example",
    },
    {
        "email": f"author2@{EMAIL_DOMAIN}",
        "full_name": "Omar Haddad",
        "affiliation": "Cedar Valley University",
        "email_domains": "cedarvalley.example",
    },
    {
        "email": f"author3@{EMAIL_DOMAIN}",
        "full_name": "Elena Petrova",
        "affiliation": "Rhine Institute of Technology",
        "email_domains": "rit.example",
    },
    {
        "email": f"author4@{EMAIL_DOMAIN}",
        "full_name": "Kwame Mensah",
        "affiliation": "Gold Coast AI Lab",
        "email_domains": "gcai.example",
    },
    {
        "email": f"author5@{EMAIL_DOMAIN}",
        "full_name": "Julia Novak",
        "affiliation": "Danube Polytechnic",
        "email_domains": "danube-poly.example",
    },
    {
        "email": f"author6@{EMAIL_DOMAIN}",
        "full_name": "Diego Fernández",
        "affiliation": "Andes Institute of Computing",
        "email_domains": "aic.example",
    },
    {
        "email": f"author7@{EMAIL_DOMAIN}",
        "full_name": "Ngoc Anh Pham",
        "affiliation": "Mekong University",
        "email_domains": "mekong.example",
    },
    {
        "email": f"author8@{EMAIL_DOMAIN}",
        "full_name": "Tom Becker",
        "affiliation": "Lakeside Analytics",
        "email_domains": "lakeside-analytics.example",
    },
]

# Area chairs (meta-reviewers) of the response edition. Their institutions are shared with no
# author, so they have no conflict there.
AREA_CHAIRS = [
    {
        "email": f"areachair1@{EMAIL_DOMAIN}",
        "full_name": "Ingrid Solberg",
        "affiliation": "Fjordland University",
        "email_domains": "fjordland.example",
    },
    {
        "email": f"areachair2@{EMAIL_DOMAIN}",
        "full_name": "Mateo Alvarez",
        "affiliation": "Pampas Institute of Technology",
        "email_domains": "pampas-tech.example",
    },
]

USERS = [ADMIN, CHAIR, *REVIEWERS, *AREA_CHAIRS, *AUTHORS]

# Workshop memberships by slug: the chair chairs every workshop; reviewers sit on the demo
# edition's committee and on some of the real ones.
MEMBERSHIPS = [
    *[
        (slug, CHAIR["email"], MemberRole.CHAIR)
        for slug in (
            DEMO_EDITION["slug"],
            COMPLETE_EDITION["slug"],
            RESPONSE_EDITION["slug"],
            *(w["slug"] for w in SEED_WORKSHOPS),
        )
    ],
    *[(DEMO_EDITION["slug"], r["email"], MemberRole.REVIEWER) for r in REVIEWERS],
    *[(COMPLETE_EDITION["slug"], r["email"], MemberRole.REVIEWER) for r in REVIEWERS],
    *[(RESPONSE_EDITION["slug"], r["email"], MemberRole.REVIEWER) for r in REVIEWERS],
    *[(RESPONSE_EDITION["slug"], a["email"], MemberRole.AREA_CHAIR) for a in AREA_CHAIRS],
    *[(BANDS_2023["slug"], r["email"], MemberRole.REVIEWER) for r in REVIEWERS[:3]],
    *[(BUGS_2023["slug"], r["email"], MemberRole.REVIEWER) for r in REVIEWERS[3:]],
    *[(SAFE_ML_2026["slug"], r["email"], MemberRole.REVIEWER) for r in REVIEWERS[::2]],
]
