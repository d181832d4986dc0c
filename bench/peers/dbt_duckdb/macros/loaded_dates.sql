{# On an incremental run, only the days of the rows this invocation loaded are rebuilt. #}
{% macro loaded_dates() -%}
    {% if is_incremental() -%}
    where date in (select distinct date from {{ ref("transactions") }} where _invocation_id = '{{ invocation_id }}')
    {%- endif %}
{%- endmacro %}
