"""Ship the rule texts of policy version 2017-01, in Dutch and English.

Source: the UWV announcement of 19 October 2016 (docs: policy.md, rules R1-R9).
The texts live in this file, not in app code: a shipped text never changes, so
a later text is a new version published in the admin or by a new migration.
A bracketed code ends the passage that explains that rule (rules.markup).
"""

from django.db import migrations

POLICY_VERSION = "2017-01"

TEXTS = [
    {
        "language": "nl",
        "audience": "handout",
        "title": "Spelregels voor het opnemen van een gesprek met UWV",
        "body": """\
U mag een geluidsopname maken van een gesprek met een medewerker van UWV. Dat mag bij een gesprek op een kantoor van UWV en bij een gesprek aan de telefoon. Hieronder staan de spelregels. Voor het gesprek vragen wij of u het eens bent met deze spelregels.

## De spelregels
- Wilt u het gesprek opnemen? Zeg dat dan vooraf tegen de medewerker. Dan kunnen wij besluiten of wij zelf ook een opname maken. [R2]
- U mag alleen geluid opnemen. Beeldopnamen zijn niet toegestaan. U mag het gesprek dus niet filmen. [R1]
- De geluidsopname is alleen bedoeld voor gebruik in uw huiselijke kring. Dus voor uzelf, uw gezin, uw familie of goede vrienden. [R4]
- Bent u het niet eens met deze spelregels? Dan gaat het gesprek wel door. Maar dan mag u het gesprek niet opnemen. [R3]

## Wanneer mag u geen geluidsopname maken?
U mag geen geluidsopname maken in de volgende situaties:
- Als er een derde persoon aan het gesprek meedoet die geen toestemming geeft voor de opname. Een derde persoon is iemand anders dan u en de medewerkers van UWV. Bijvoorbeeld uw partner, een tolk, uw advocaat of uw werkgever. [R5]
- Als het een mediationgesprek is en niet alle betrokkenen ermee instemmen. Bij mediation moeten alle partijen én de mediator instemmen met de opname. [R6]
- Als er sprake is van een verhoor door een opsporingsambtenaar. [R7]
- Als u zich eerder niet aan deze spelregels heeft gehouden. [R8]

## Neemt UWV het gesprek ook op?
UWV maakt zelf geen geluidsopname, tenzij daar een goede reden voor is. Neemt UWV het gesprek wel op? Dan schrijven wij de reden op. En wij vertellen aan iedereen die aan het gesprek meedoet dat wij het gesprek opnemen. [R9]""",
    },
    {
        "language": "nl",
        "audience": "phone_script",
        "title": "Telefoonscript: spelregels voor een geluidsopname",
        "body": """\
U wilt ons gesprek opnemen. Dat mag. Fijn dat u het vooraf zegt. Dan kunnen wij besluiten of wij zelf ook opnemen. [R2]

Eerst vertel ik u de spelregels.

- U mag alleen het geluid opnemen. Beeld opnemen mag niet. [R1]
- De opname is alleen voor uzelf en uw huiselijke kring. Dus voor uw gezin, uw familie of goede vrienden. [R4]
- Doet er iemand anders mee aan het gesprek? Dan moet die persoon ook toestemming geven. Anders mag u niet opnemen. [R5]
- Bij een mediation moeten alle partijen en de mediator het ermee eens zijn. Anders mag u niet opnemen. [R6]
- Bij een verhoor door een opsporingsambtenaar mag u niet opnemen. [R7]
- Heeft u zich eerder niet aan deze spelregels gehouden? Dan mag u niet opnemen. [R8]
- UWV neemt zelf niet op, tenzij daar een goede reden voor is. Dan vertellen wij dat aan iedereen die meedoet. En wij schrijven de reden op. [R9]

Bent u het niet eens met de spelregels? Dan gaat het gesprek gewoon door. Maar dan zonder opname. [R3]

Bent u het eens met deze spelregels?""",
    },
    {
        "language": "en",
        "audience": "handout",
        "title": "Rules for recording a conversation with UWV",
        "body": """\
You may make an audio recording of a conversation with a UWV employee. This applies to a conversation at a UWV office and to a conversation by telephone. The rules are below. Before the conversation, we ask whether you agree with these rules.

## The rules
- Do you want to record the conversation? Then tell the employee beforehand. We can then decide whether we will make a recording too. [R2]
- You may only record sound. Video recordings are not allowed. So you may not film the conversation. [R1]
- The audio recording is only meant for use within your home circle. That means: for yourself, your household, your family or close friends. [R4]
- Do you not agree with these rules? Then the conversation still takes place. But you may not record it. [R3]

## When may you not record?
You may not make an audio recording in these situations:
- When a third person takes part in the conversation and does not give permission for the recording. A third person is anyone other than you and the UWV employees. For example your partner, an interpreter, your lawyer or your employer. [R5]
- When it is a mediation and not everyone involved agrees. In a mediation, all parties and the mediator must agree to the recording. [R6]
- When you are interviewed by an investigating officer. [R7]
- When you did not keep to these rules before. [R8]

## Does UWV record the conversation too?
UWV does not make its own recording, unless there is a good reason for it. Does UWV record the conversation? Then we write down the reason. And we tell everyone who takes part in the conversation that we are recording it. [R9]""",
    },
    {
        "language": "en",
        "audience": "phone_script",
        "title": "Phone script: rules for an audio recording",
        "body": """\
You want to record our conversation. That is allowed. Thank you for telling me beforehand. We can then decide whether we will record it too. [R2]

First I will tell you the rules.

- You may only record the sound. Recording video is not allowed. [R1]
- The recording is only for yourself and your home circle. That is your household, your family or close friends. [R4]
- Does someone else take part in the conversation? Then that person must give permission too. Otherwise you may not record. [R5]
- In a mediation, all parties and the mediator must agree. Otherwise you may not record. [R6]
- During an interview by an investigating officer, you may not record. [R7]
- Did you not keep to these rules before? Then you may not record. [R8]
- UWV does not record, unless there is a good reason. Then we tell everyone who takes part. And we write down the reason. [R9]

Do you not agree with the rules? Then the conversation simply goes ahead. But without a recording. [R3]

Do you agree with these rules?""",
    },
]


def ship_texts(apps, schema_editor):
    RuleText = apps.get_model("rules", "RuleText")
    RuleText.objects.bulk_create(
        RuleText(policy_version=POLICY_VERSION, text_version=1, **text)
        for text in TEXTS
    )


def remove_texts(apps, schema_editor):
    # Runs before 0003's guard exists when migrating backwards.
    RuleText = apps.get_model("rules", "RuleText")
    RuleText.objects.filter(policy_version=POLICY_VERSION, text_version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(ship_texts, remove_texts)]
