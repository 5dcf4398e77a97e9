"""Make PostgreSQL refuse to change or remove a published rule text.

A row trigger refuses UPDATE and DELETE, a statement trigger refuses TRUNCATE.
Both are ENABLE ALWAYS, so that ``SET session_replication_role = replica`` (which
skips ordinary triggers) does not switch them off. Why a trigger at all:
docs/adr/0001-database-guards-published-rule-texts.md.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION rules_ruletext_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on rules_ruletext refused: a published rule text is never changed or removed', TG_OP
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = 'Publish the next version instead (rules.services.rule_text_publish).';
END;
$$;

CREATE TRIGGER rules_ruletext_no_update_or_delete
    BEFORE UPDATE OR DELETE ON rules_ruletext
    FOR EACH ROW EXECUTE FUNCTION rules_ruletext_refuse_change();

CREATE TRIGGER rules_ruletext_no_truncate
    BEFORE TRUNCATE ON rules_ruletext
    FOR EACH STATEMENT EXECUTE FUNCTION rules_ruletext_refuse_change();

ALTER TABLE rules_ruletext ENABLE ALWAYS TRIGGER rules_ruletext_no_update_or_delete;
ALTER TABLE rules_ruletext ENABLE ALWAYS TRIGGER rules_ruletext_no_truncate;
"""

DROP = """
DROP TRIGGER rules_ruletext_no_truncate ON rules_ruletext;
DROP TRIGGER rules_ruletext_no_update_or_delete ON rules_ruletext;
DROP FUNCTION rules_ruletext_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_rule_texts_2017_01")]

    operations = [migrations.RunSQL(CREATE, DROP)]
