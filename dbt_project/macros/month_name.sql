{#- Month name (English or Turkish) of a month number 1-12. Written as a CASE rather than an engine's
    to_char/monthname, whose output depends on the engine and on its locale; dispatched so an engine
    can still override it. -#}
{% macro month_name(month_expression, language='en') -%}
    {{ return(adapter.dispatch('month_name', 'taskforce')(month_expression, language)) }}
{%- endmacro %}

{% macro default__month_name(month_expression, language='en') -%}
    {%- set names = {
        'en': ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
               'October', 'November', 'December'],
        'tr': ['Ocak', 'Şubat', 'Mart', 'Nisan', 'Mayıs', 'Haziran', 'Temmuz', 'Ağustos', 'Eylül',
               'Ekim', 'Kasım', 'Aralık'],
    } -%}
    {%- if language not in names -%}
        {{ exceptions.raise_compiler_error("month_name: language must be one of " ~ (names.keys() | list)) }}
    {%- endif -%}
    case {{ month_expression }}
        {%- for name in names[language] %}
        when {{ loop.index }} then '{{ name }}'
        {%- endfor %}
    end
{%- endmacro %}
