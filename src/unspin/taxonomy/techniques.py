"""The persuasion techniques unspin knows, and how other annotation schemes map onto them.

The core is the 14-technique scheme of the Propaganda Techniques Corpus (PTC, SemEval-2020
Task 11), under its exact corpus names. SemEval-2021 Task 6 uses 20 techniques; most map onto a
PTC technique, and the three without a counterpart are kept as techniques of their own, marked
``in_ptc=False``. The 23-technique scheme of SemEval-2023 Task 3 and ArAIEval refines PTC's:
its techniques that are not one of the above are kept too, each naming the PTC technique it
refines (``refines``), see :mod:`unspin.taxonomy.scheme23`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Technique:
    """One persuasion technique: its corpus name, how to show it, and what it means."""

    name: str
    display_name: str
    definition: str
    example: str
    color: str
    """Its colour: at least 3:1 contrast on white and on black (underlines on the page, text in
    a terminal), and no green, so no two techniques are a red/green pair."""
    in_ptc: bool = True
    refines: str | None = None
    """The PTC technique this one is a finer part of (23-technique scheme), if any."""


TECHNIQUES: tuple[Technique, ...] = (
    Technique(
        "Loaded_Language",
        "Loaded Language",
        "Words or phrases chosen for their emotional charge rather than their content, so that "
        "the reader feels something about a person or event before weighing any facts.",
        "The council's reckless, disastrous scheme will gut our neighbourhood.",
        "#b72727",
    ),
    Technique(
        "Name_Calling,Labeling",
        "Name Calling, Labeling",
        "Attaching a label to a person or group, a label the audience already fears, hates or "
        "admires, so that the label does the arguing instead of evidence.",
        "Only the usual climate cultists oppose the new motorway.",
        "#3876e9",
    ),
    Technique(
        "Repetition",
        "Repetition",
        "Saying the same message, phrase or claim again and again so that familiarity stands in "
        "for proof and the audience ends up accepting it.",
        "Jobs, jobs, jobs. This plan is about jobs and nothing but jobs.",
        "#b21485",
    ),
    Technique(
        "Doubt",
        "Doubt",
        "Questioning the credibility of a person, institution or claim without offering "
        "grounds, to make the audience distrust it.",
        "Can we really believe anything this so-called expert tells us?",
        "#0c6c67",
    ),
    Technique(
        "Exaggeration,Minimisation",
        "Exaggeration, Minimisation",
        "Making something look far bigger, better or worse than it is, or playing down "
        "something serious so that it seems unimportant.",
        "The new tax is the greatest theft in human history.",
        "#a94ceb",
    ),
    Technique(
        "Appeal_to_fear-prejudice",
        "Appeal to Fear or Prejudice",
        "Building support for an idea by stoking anxiety or panic about an alternative, or by "
        "playing on the audience's existing prejudices.",
        "If this bill passes, gangs will be roaming your street by Christmas.",
        "#dc4618",
    ),
    Technique(
        "Flag-Waving",
        "Flag-Waving",
        "Justifying an idea by appeal to patriotism or to the pride of a group, as if loyalty "
        "to the group settles the question.",
        "Any true patriot will support the new border wall.",
        "#9a7521",
    ),
    Technique(
        "Causal_Oversimplification",
        "Causal Oversimplification",
        "Assigning a single cause to an outcome that has many, or blaming one party for a "
        "complex problem.",
        "Crime went up the year the mayor took office, so the mayor caused it.",
        "#d63f88",
    ),
    Technique(
        "Appeal_to_Authority",
        "Appeal to Authority",
        "Claiming something is true because an authority or expert says so, without other "
        "evidence, including when the authority is not an expert on the matter.",
        "A famous actor says the vaccine is unsafe, so it must be.",
        "#1286a0",
    ),
    Technique(
        "Slogans",
        "Slogans",
        "A brief, catchy phrase, often labelling or stereotyping, that stands in for an "
        "argument and is easy to chant or repeat.",
        "Take back our streets!",
        "#9b26b5",
    ),
    Technique(
        "Whataboutism,Straw_Men,Red_Herring",
        "Whataboutism, Straw Man, Red Herring",
        "Deflecting criticism by pointing at the opponent's own faults (whataboutism), "
        "attacking a distorted version of their position (straw man), or changing the subject "
        "to something irrelevant (red herring).",
        "Why talk about my expenses when the other party wasted billions?",
        "#944e10",
    ),
    Technique(
        "Black-and-White_Fallacy",
        "Black-and-White Fallacy",
        "Presenting two options as the only possibilities when more exist, or demanding the "
        "audience pick a side with no middle ground.",
        "Either you support this law or you want children to suffer.",
        "#786adf",
    ),
    Technique(
        "Thought-terminating_Cliches",
        "Thought-Terminating Cliché",
        "A stock phrase that discourages further thought or discussion, closing a question "
        "instead of answering it.",
        "It is what it is. Rules are rules.",
        "#bd153f",
    ),
    Technique(
        "Bandwagon,Reductio_ad_hitlerum",
        "Bandwagon, Reductio ad Hitlerum",
        "Urging the audience to join in because 'everyone' already does (bandwagon), or to "
        "reject an idea because a hated group supports it (reductio ad hitlerum).",
        "Millions have already switched; don't be the last one left behind.",
        "#206596",
    ),
    Technique(
        "Smears",
        "Smears",
        "An attempt to damage someone's reputation with negative claims or insinuations, "
        "often unproven, rather than engaging with their arguments.",
        "The senator, known for shady dealings, now lectures us on ethics.",
        "#d818ce",
        in_ptc=False,
    ),
    Technique(
        "Glittering_Generalities",
        "Glittering Generalities (Virtue)",
        "Vague, emotionally appealing words tied to values the audience holds dear (freedom, "
        "family, justice) used to win approval without argument.",
        "Our plan stands for freedom, family and the future.",
        "#364be9",
        in_ptc=False,
    ),
    Technique(
        "Obfuscation,Intentional_Vagueness,Confusion",
        "Obfuscation, Intentional Vagueness",
        "Deliberately unclear wording that lets the audience read into it whatever they like, "
        "or that hides a weak argument.",
        "Certain people, in certain places, have been doing certain things.",
        "#7232e8",
        in_ptc=False,
    ),
    Technique(
        "Whataboutism",
        "Whataboutism",
        "Answering a criticism by pointing at something the critic or their side did, without "
        "answering it: the accusation is turned around instead of disproved.",
        "They lecture us on corruption? Look at their own minister's villa.",
        "#92650c",
        in_ptc=False,
        refines="Whataboutism,Straw_Men,Red_Herring",
    ),
    Technique(
        "Straw_Man",
        "Straw Man",
        "Replacing an opponent's position with a distorted, weaker version of it and then "
        "refuting that version, as if the real position had been refuted.",
        "My opponent wants safer roads, so he wants to ban cars altogether.",
        "#1384aa",
        in_ptc=False,
        refines="Whataboutism,Straw_Men,Red_Herring",
    ),
    Technique(
        "Red_Herring",
        "Red Herring",
        "Bringing in something irrelevant to the question at hand to draw attention away from it.",
        "Why discuss the budget deficit when our football team just won the cup?",
        "#4060bf",
        in_ptc=False,
        refines="Whataboutism,Straw_Men,Red_Herring",
    ),
    Technique(
        "Appeal_to_Hypocrisy",
        "Appeal to Hypocrisy",
        "Attacking a person or group as hypocritical, for saying one thing and doing another, "
        "so that their argument is dismissed without being answered.",
        "The minister who calls for saving energy flies to every meeting by private jet.",
        "#8d65d2",
        in_ptc=False,
        refines="Whataboutism,Straw_Men,Red_Herring",
    ),
    Technique(
        "Appeal_to_Popularity",
        "Appeal to Popularity",
        "Claiming that something is right or true because many or most people believe or do "
        "it, so the audience should join them.",
        "Millions of citizens already back the plan; only a few cranks still oppose it.",
        "#a02fbc",
        in_ptc=False,
        refines="Bandwagon,Reductio_ad_hitlerum",
    ),
    Technique(
        "Guilt_by_Association",
        "Guilt by Association",
        "Discrediting a person, group or idea by linking it to someone or something the "
        "audience already rejects.",
        "The dictator also supported this reform, so it must be evil.",
        "#dd3cbc",
        in_ptc=False,
        refines="Bandwagon,Reductio_ad_hitlerum",
    ),
    Technique(
        "Conversation_Killer",
        "Conversation Killer",
        "A phrase that shuts down discussion or critical thought, a thought-terminating "
        "cliché or a call to stop questioning, instead of an answer.",
        "Enough talk. The matter is closed.",
        "#217373",
        in_ptc=False,
        refines="Thought-terminating_Cliches",
    ),
    Technique(
        "Appeal_to_Time",
        "Appeal to Time",
        "Arguing that now is the moment to act, that the time has come, so that urgency takes "
        "the place of reasons.",
        "The hour has come: act today or lose everything tomorrow.",
        "#ae3247",
        in_ptc=False,
    ),
    Technique(
        "Consequential_Oversimplification",
        "Consequential Oversimplification",
        "Claiming that a first step will set off a chain of ever worse consequences (a "
        "slippery slope), to reject the step without weighing it.",
        "If we allow this protest, next they will burn the whole city down.",
        "#974b26",
        in_ptc=False,
    ),
)

PTC_TECHNIQUES: tuple[Technique, ...] = tuple(t for t in TECHNIQUES if t.in_ptc)
