{#- The models of the dated lifecycle signals, one per kind of signal (all with the columns
    of int_lifecycle_signals): the one list int_lifecycle_signals__starts (their earliest
    signal) and int_lifecycle_signals (their union) read, so a new kind of signal is added
    in one place. -#}
{% macro lifecycle_dated_signal_models() -%}
    {{ return([
        'int_lifecycle_signals__score_bands',
        'int_lifecycle_signals__hand_raises',
        'int_lifecycle_signals__sales_statuses',
        'int_lifecycle_signals__opportunities',
    ]) }}
{%- endmacro %}
