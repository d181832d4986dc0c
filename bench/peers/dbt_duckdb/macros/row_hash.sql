{# A row's fingerprint for lineage: md5 of its fields as received, in file order (dbt_utils'
   generate_surrogate_key, without the package: `dbt deps` needs the network). #}
{% macro row_hash(columns) -%}
    md5(concat_ws('|', {% for c in columns %}coalesce({{ c }}, '\x00'){{ ", " if not loop.last }}{% endfor %}))
{%- endmacro %}
