{# A list of strings as an SQL IN list: ('a', 'b'). #}
{% macro in_list(values) -%}
    ({% for v in values %}'{{ v | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}
