{# A whole number as BIGINT, or null: DuckDB's own cast rounds "12.5" to 13, so digits are checked first. #}
{% macro whole_number(column) -%}
    case when regexp_full_match({{ column }}, '\s*[+-]?[0-9]+\s*') then try_cast({{ column }} as bigint) end
{%- endmacro %}
