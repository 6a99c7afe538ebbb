{#- Incremental models that recompute only what changed (docs block incremental_models in
    models/intermediate/_incremental__docs.md).

    Each incremental model is divided into units: a calendar year for the indicator models (every row
    of a period belongs to the year of period_start), a person key for the person models. A fingerprint
    model (int_*_fingerprinted, a plain table rebuilt on every build) gives, per unit, the number of
    input rows the model reads for that unit and the sum of a 64-bit hash of each of those rows. The
    incremental model keeps the fingerprints it was last built from in <model>__incr_state,
    written by its post-hook in the same transaction as its rows. A build compares the two:

      * a unit whose count or hash sum differs, or that is on one side only, is changed: its rows are
        deleted (pre-hook) and recomputed from the current inputs (the model's SQL, filtered by
        incremental_where / incremental_and);
      * a unit whose name starts with '*' stands for the whole model: the reference data the model reads
        whole ('*reference'), and the model's code ('*code:<md5 of the model file and every project
        macro>'). When one of them changed, or the model has no state yet, every unit is recomputed.

    Nothing here reads the batch manifest: a new batch, a resend that supersedes a batch, rows destroyed
    by retention and a late record dated in an old period all change the input rows of some unit, and
    only those units. The changed units of the last run stay in <model>__incr_changes (a unit
    '*full-refresh' after a full build; every unit, beside the '*' unit that caused it, when the
    whole model was recomputed) for whoever wants to see what a build recomputed.

    Usage in a model (see models/intermediate/indicators/int_victim_periods_deduplicated.sql):
      config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
             pre_hook="{{ incremental_prepare('<fingerprint model>', '<unit expression over the model's columns>') }}",
             post_hook="{{ incremental_save_state('<fingerprint model>') }}")
      {{ incremental_depends_on('<fingerprint model>') }}
      ... from <input> {{ incremental_where('<unit expression over the input's columns>') }}
-#}


{#- A 64-bit hash of one row (the list of SQL expressions), summed per unit by fingerprint_units. Only
    compared with hashes made by the same engine, so each engine may use its own function. -#}
{% macro row_fingerprint(expressions) -%}
    {{ return(adapter.dispatch('row_fingerprint', 'taskforce')(expressions)) }}
{%- endmacro %}

{% macro default__row_fingerprint(expressions) -%}
    {{ exceptions.raise_compiler_error(
        "row_fingerprint: no 64-bit row hash for adapter " ~ adapter.type() ~ " (macros/incremental.sql)") }}
{%- endmacro %}

{% macro duckdb__row_fingerprint(expressions) -%}
    hash({{ expressions | join(', ') }})
{%- endmacro %}

{#- hashtextextended: PostgreSQL's 64-bit text hash (as used by hash partitioning), of the row's cells
    as text, separated by a control character and with another one for null. -#}
{% macro postgres__row_fingerprint(expressions) -%}
    hashtextextended(concat_ws(chr(31)
        {%- for expression in expressions %}, coalesce(cast({{ expression }} as text), chr(30)){% endfor -%}
    ), 0)
{%- endmacro %}


{#- The body of a fingerprint model: `relation` has one row per input row with columns unit (text) and
    row_fingerprint (row_fingerprint(...)); the result has one row per unit. -#}
{% macro fingerprint_units(relation) -%}
    select
        cast(coalesce(unit, 'undated') as text) as unit,
        cast(count(*) as bigint) as n_rows,
        cast(sum(row_fingerprint) as numeric(38, 0)) as fingerprint
    from {{ relation }}
    group by coalesce(unit, 'undated')
{%- endmacro %}


{#- The rows of a fingerprint model for the period spine, one per period, in the unit of its year: a
    year's indicator figures change when its periods do. -#}
{% macro period_spine_fingerprints() -%}
    select
        cast(period_year as text) as unit,
        {{ row_fingerprint(["'period'", 'period_type', 'period_id', 'period_start', 'period_end']) }}
            as row_fingerprint
    from {{ ref('int_indicator_periods_generated') }}
{%- endmacro %}


{% macro incremental_state_relation() -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__incr_state',
        type='table')) }}
{%- endmacro %}

{% macro incremental_changes_relation() -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__incr_changes',
        type='table')) }}
{%- endmacro %}


{#- The fingerprint model is read in hooks and in the incremental branch only, which dbt does not see
    when it parses the model: declare the dependency at parse time (and only then, so that the model's
    dbt unit tests need no input for it). -#}
{% macro incremental_depends_on(fingerprint_model) -%}
    {%- if not execute %}
-- depends_on: {{ ref(fingerprint_model) }}
    {%- endif %}
{%- endmacro %}


{#- The model's code: its file and every macro of the project (the SQL of an indicator comes mostly from
    macros). A change recomputes every unit. -#}
{% macro incremental_code_unit() -%}
    {%- set parts = [local_md5(model.raw_code)] -%}
    {%- for name in context.keys() | sort -%}
        {%- set value = context[name] -%}
        {%- if value.macro is defined and value.macro.package_name == project_name and not name.startswith('test_') -%}
            {%- do parts.append(name ~ '=' ~ local_md5(value.macro.macro_sql)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('*code:' ~ local_md5(parts | join('|'))) }}
{%- endmacro %}


{% macro incremental_current_units(fingerprint_model) -%}
    select unit, n_rows, fingerprint from {{ ref(fingerprint_model) }}
    union all
    select
        cast('{{ incremental_code_unit() }}' as text) as unit,
        cast(0 as bigint) as n_rows,
        cast(0 as numeric(38, 0)) as fingerprint
{%- endmacro %}


{% macro incremental_state_ddl() -%}
    create table if not exists {{ incremental_state_relation() }} (
        unit text not null,
        n_rows bigint not null,
        fingerprint numeric(38, 0) not null
    )
{%- endmacro %}


{#- SQL condition: the unit of a row (unit_expression) is to be recomputed. Incremental runs only.
    A plain IN over the changed units, with no OR beside it: PostgreSQL then joins the two (a hash semi
    join), where an OR made it test each row against the whole list (a nested loop: an incremental
    build in which 100,000 persons changed ran for over 10 minutes on one model). When the whole model
    changed, the pre-hook lists every unit (incremental_prepare). A row without a unit (a null date)
    belongs to the unit 'undated', as in the fingerprints (fingerprint_units). -#}
{% macro incremental_unit_changed(unit_expression) -%}
    coalesce(cast({{ unit_expression }} as text), 'undated') in (select changed.unit from {{ incremental_changes_relation() }} as changed)
{%- endmacro %}


{#- Whether this is an incremental run of the model. Also false in a dbt unit test, where `this` is not
    set unless the test mocks it (and dbt's is_incremental() would fail). -#}
{% macro incremental_run() -%}
    {{ return(execute and this is not none and is_incremental()) }}
{%- endmacro %}


{#- `where <condition>` on an incremental run, nothing otherwise (a full build reads everything). -#}
{% macro incremental_where(unit_expression) -%}
    {%- if incremental_run() %}
    where {{ incremental_unit_changed(unit_expression) }}
    {%- endif %}
{%- endmacro %}

{#- The same after an existing where clause. -#}
{% macro incremental_and(unit_expression) -%}
    {%- if incremental_run() %}
        and {{ incremental_unit_changed(unit_expression) }}
    {%- endif %}
{%- endmacro %}


{#- The units to add to <model>__incr_changes when the whole model is recomputed. -#}
{% macro incremental_every_unit_insert(fingerprint_model, changes) -%}
    insert into {{ changes }} (unit)
    select unit from {{ ref(fingerprint_model) }}
    union
    select unit from {{ incremental_state_relation() }}
    union
    select cast('undated' as text)
    except
    select unit from {{ changes }}
{%- endmacro %}


{#- Pre-hook. Writes <model>__incr_changes: on an incremental run the changed units (current
    fingerprints against the stored state; no state yet means every unit), and deletes the model's rows
    in them (the model's SQL then selects those units again, and the append strategy inserts them); on
    a full build the unit '*full-refresh'. All in the model's transaction. -#}
{% macro incremental_prepare(fingerprint_model, unit_expression) -%}
    {%- if execute -%}
        {%- set changes = incremental_changes_relation() -%}
        {%- do run_query(incremental_state_ddl()) -%}
        {%- do run_query('drop table if exists ' ~ changes) -%}
        {%- if incremental_run() -%}
            {%- call statement('incremental_changes') -%}
                create table {{ changes }} as
                select coalesce(current_units.unit, stored.unit) as unit
                from ({{ incremental_current_units(fingerprint_model) }}) as current_units
                full outer join {{ incremental_state_relation() }} as stored
                    on current_units.unit = stored.unit
                where current_units.unit is null
                    or stored.unit is null
                    or current_units.n_rows <> stored.n_rows
                    or current_units.fingerprint <> stored.fingerprint
            {%- endcall -%}
            {%- set counts = run_query(
                "select count(*), sum(case when unit like '*%' then 1 else 0 end) from " ~ changes) -%}
            {%- set everything = (counts.rows[0][1] or 0) > 0 -%}
            {%- do log(this.identifier ~ ': incremental, ' ~ counts.rows[0][0] ~ ' unit(s) changed'
                ~ (', recomputing the whole model' if everything else ''), info=true) -%}
            {%- if everything -%}
                {#- every unit, current or stored, and the rows without one, are selected again -#}
                {%- do run_query(incremental_every_unit_insert(fingerprint_model, changes)) -%}
            {%- endif -%}
            {%- do analyze_for_planner(changes) -%}
            {#- a whole-model recompute deletes every row (also those of units a lost state no longer names) -#}
            {%- do run_query('delete from ' ~ this ~ ('' if everything else ' where ' ~ incremental_unit_changed(unit_expression))) -%}
        {%- else -%}
            {%- do run_query('create table ' ~ changes ~ " as select cast('*full-refresh' as text) as unit") -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- Post-hook: the state becomes the current fingerprints (those of the changed units replaced; after a
    full build or a whole-model recompute, all of them). -#}
{% macro incremental_save_state(fingerprint_model) -%}
    {%- if execute -%}
        {%- set state = incremental_state_relation() -%}
        {%- set whole = run_query(
            "select count(*) from " ~ incremental_changes_relation() ~ " where unit like '*%'").rows[0][0] > 0 -%}
        {%- do run_query('delete from ' ~ state ~ ('' if whole else ' where ' ~ incremental_unit_changed('unit'))) -%}
        {%- call statement('incremental_state') -%}
            insert into {{ state }} (unit, n_rows, fingerprint)
            select current_units.unit, current_units.n_rows, current_units.fingerprint
            from ({{ incremental_current_units(fingerprint_model) }}) as current_units
            {% if not whole -%}
            where {{ incremental_unit_changed('current_units.unit') }}
            {%- endif %}
        {%- endcall -%}
    {%- endif -%}
{%- endmacro %}
