{#- The configuration rows that apply to each scoring model: a model's own row for a key
    (e.g. a setting, a cap category, a disqualification reason), else the `default` row
    for it. The one home of the "default applies unless the model has its own row" rule
    of the per-model seeds. `models` and `rows` are CTE names (both with scoring_model);
    `key` the column that identifies a row within a model; `columns` the columns of `rows`
    to select. Adds is_inherited (the row is `default`'s). -#}
{% macro rows_for_each_model(models, rows, key, columns) -%}
    select
        {{ models }}.scoring_model,
        {% for column in columns %}
            {{ rows }}.{{ column }},
        {% endfor %}
        {{ rows }}.scoring_model != {{ models }}.scoring_model as is_inherited
    from {{ models }}
    inner join {{ rows }}
        on {{ rows }}.scoring_model in ({{ models }}.scoring_model, 'default')
    where
        {{ rows }}.scoring_model = {{ models }}.scoring_model
        or not exists (
            select 1
            from {{ rows }} as own_rows
            where
                own_rows.scoring_model = {{ models }}.scoring_model
                and own_rows.{{ key }} = {{ rows }}.{{ key }}
        )
{%- endmacro %}
