{#- The product-line scope of a scoring model, in one place. A model with a product line
    (scoring_models.product_line) scores only what belongs to it; a model without one
    (default) scores everything.

    in_product_line(model_line, row_line):
      an engagement row (event, pattern match) counts for the model when the model has no
      product line, the row has none (a page or e-mail about the company, not a product),
      or both are the same line.
    in_product_line(model_line, row_line, unlabelled_counts=false):
      an opportunity counts for a product-line model only when it is of that line (an
      opportunity without a line is not evidence for any one product). -#}
{% macro in_product_line(model_line, row_line, unlabelled_counts=true) -%}
    (
        {{ model_line }} is null
        {%- if unlabelled_counts %}
            or {{ row_line }} is null
        {%- endif %}
        or {{ row_line }} = {{ model_line }}
    )
{%- endmacro %}
