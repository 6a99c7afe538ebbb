{#- Access control on PostgreSQL, applied by dbt so that every rebuild keeps it.

    A dbt `table` rebuild creates a new table and drops the old one, and with it the old table's
    row-level security and policies; a plain view runs with its owner's rights and so bypasses RLS.
    `apply_row_access()` is a post-hook on every mart (dbt_project.yml): it runs inside the model's
    transaction, after the new relation has taken the model's name and before COMMIT, so no reader ever
    sees a protected mart without its policies, whether the build is a normal one or --full-refresh.

    Which marts hold person-level rows, and whose rows they are, is declared once, in the model's YAML:

        config:
          meta:
            row_access:
              agency_column: identifying_agency          # the column naming the row's owning agency
              # or agency_expression: "<SQL over the mart's columns>" when no such column exists yet

    Roles are those `taskforce db init` creates, named <prefix><role> with the prefix taken from
    TASKFORCE_ROLE_PREFIX (default tf_), the same variable the CLI reads. Policies find roles by name
    at query time (pg_roles), so a build does not depend on the roles existing yet, and an agency role
    created after the build sees its rows without a rebuild.

    DuckDB is embedded and single-user: it has no roles, grants or RLS, so every macro here is a no-op
    there (default__). -#}

{% macro taskforce_role_prefix() -%}
    {%- set prefix = env_var('TASKFORCE_ROLE_PREFIX', 'tf_') -%}
    {%- if not modules.re.fullmatch('[a-z][a-z0-9_]{0,19}', prefix) -%}
        {{ exceptions.raise_compiler_error(
            "TASKFORCE_ROLE_PREFIX must be 1-20 lower-case letters, digits or underscores, starting with a "
            ~ "letter; got '" ~ prefix ~ "'") }}
    {%- endif -%}
    {{ return(prefix) }}
{%- endmacro %}


{% macro apply_row_access() -%}
    {{ return(adapter.dispatch('apply_row_access', 'taskforce')()) }}
{%- endmacro %}

{% macro default__apply_row_access() -%}
{%- endmacro %}

{% macro postgres__apply_row_access() -%}
    {%- if execute -%}
        {%- set row_access = (config.get('meta') or {}).get('row_access') -%}
        {%- if config.get('materialized') == 'view' -%}
            {%- if row_access -%}
                {{ exceptions.raise_compiler_error(
                    model.name ~ " declares meta.row_access but is a view: row-level security lives on "
                    ~ "tables; make it a table, or a security_invoker view over a protected table") }}
            {%- endif -%}
            {{ taskforce_security_invoker_sql(this) }}
        {%- elif row_access -%}
            {{ taskforce_row_access_sql(this, taskforce_owning_agency(row_access)) }}
        {%- elif taskforce_is_person_level(this) -%}
            {{ exceptions.raise_compiler_error(
                model.name ~ " has a person_key column, so it holds person-level rows, but declares no "
                ~ "meta.row_access (agency_column or agency_expression) in its YAML: every person-level "
                ~ "mart must have row-level security") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- The SQL expression giving a row's owning agency code, from the model's meta.row_access. -#}
{% macro taskforce_owning_agency(row_access) -%}
    {%- if row_access.get('agency_column') -%}
        {{ return(adapter.quote(row_access['agency_column'])) }}
    {%- elif row_access.get('agency_expression') -%}
        {{ return('(' ~ row_access['agency_expression'] ~ ')') }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        model.name ~ ": meta.row_access needs agency_column or agency_expression") }}
{%- endmacro %}


{#- A relation is person-level when it carries the pseudonymous person key. -#}
{% macro taskforce_is_person_level(relation) -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- if column.name | lower == 'person_key' -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}


{#- Forced RLS and three permissive SELECT/ALL policies on a person-level table:
    - builder_all_rows: the role that built (and owns) the table sees and writes every row, so dbt's
      tests and later incremental runs see the real data; FORCE makes even this explicit;
    - agency_own_rows: members of <prefix>agency_<code> see the rows whose owning agency is <code>;
    - coordinator_all_rows: members of <prefix>coordinator see every row.
    Every other role sees nothing, even if it is granted SELECT by mistake (and only <prefix>dashboard
    is granted SELECT, by the dbt grants config). The role lists are array/exists subqueries without a
    reference to the row, so PostgreSQL evaluates them once per query, not once per row. -#}
{% macro taskforce_row_access_sql(relation, owning_agency) -%}
    {%- set prefix = taskforce_role_prefix() -%}
    {%- set agency_prefix = prefix ~ 'agency_' -%}
alter table {{ relation }} enable row level security;
alter table {{ relation }} force row level security;
drop policy if exists builder_all_rows on {{ relation }};
create policy builder_all_rows on {{ relation }} as permissive for all to current_user
    using (true) with check (true);
drop policy if exists agency_own_rows on {{ relation }};
create policy agency_own_rows on {{ relation }} as permissive for select to public
    using ({{ owning_agency }} = any (array(
        select substr(r.rolname, {{ agency_prefix | length + 1 }})
        from pg_catalog.pg_roles as r
        where starts_with(r.rolname, '{{ agency_prefix }}')
            and pg_catalog.pg_has_role(current_user, r.oid, 'USAGE')
    )));
drop policy if exists coordinator_all_rows on {{ relation }};
create policy coordinator_all_rows on {{ relation }} as permissive for select to public
    using (exists (
        select from pg_catalog.pg_roles as r
        where r.rolname = '{{ prefix }}coordinator'
            and pg_catalog.pg_has_role(current_user, r.oid, 'USAGE')
    ))
{%- endmacro %}


{#- A view that dashboards read must check the reader's rights (and RLS) on the tables beneath it,
    not its owner's: security_invoker (PostgreSQL 15+). -#}
{% macro taskforce_security_invoker_sql(relation) -%}
alter view {{ relation }} set (security_invoker = true)
{%- endmacro %}


{#- Grants come from the models' `grants` config, managed by dbt (grants it does not list are revoked on
    incremental runs). A grant to a role that does not exist would fail the whole build, and the roles
    are created by `taskforce db init`, which may not have run yet (a laptop trying PostgreSQL, the test
    warehouses): grants to missing roles are skipped with a warning, which leaves the mart readable by
    its owner only (fail closed). Run `taskforce db init`, then build again. -#}
{% macro postgres__apply_grants(relation, grant_config, should_revoke=True) %}
    {%- set wanted = [] -%}
    {%- for grantees in (grant_config or {}).values() -%}
        {%- for grantee in grantees -%}
            {%- do wanted.append(grantee) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set existing = [] -%}
    {%- if wanted -%}
        {%- set found = run_query(
            "select rolname from pg_catalog.pg_roles where rolname in ('"
            ~ (wanted | unique | map('replace', "'", "''") | join("', '")) ~ "')") -%}
        {%- for row in found -%}
            {%- do existing.append(row[0]) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set usable = {} -%}
    {%- for privilege, grantees in (grant_config or {}).items() -%}
        {%- set kept = [] -%}
        {%- for grantee in grantees -%}
            {%- if grantee in existing -%}
                {%- do kept.append(grantee) -%}
            {%- else -%}
                {%- do exceptions.warn(
                    "not granting " ~ privilege ~ " on " ~ relation ~ " to " ~ grantee
                    ~ ": the role does not exist (run `taskforce db init`, then build again)") -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if kept -%}
            {%- do usable.update({privilege: kept}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(dbt.default__apply_grants(relation, usable, should_revoke)) }}
{% endmacro %}


{#- dbt-duckdb warns that it has no grants; DuckDB is embedded and single-user by design, so say it once
    in the debug log instead of on every build. -#}
{% macro duckdb__apply_grants(relation, grant_config, should_revoke=True) %}
    {%- if grant_config -%}
        {{ log("DuckDB is embedded and single-user: no grants on " ~ relation) }}
    {%- endif -%}
{% endmacro %}
