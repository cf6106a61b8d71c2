{#- True when a value (a fit attribute's value or an event's detail) matches a rule's
    (match_type, match_value): the one definition of what a rule matches, used by the fit
    rules, the engagement patterns, the score timeline, the hand-raises and the MQL alerts.
    The value is compared in lower case (a null value as the empty string); match_value is
    as normalized_match_value leaves it.

      like     SQL LIKE: `%` is any run of characters, `_` any one character
      equals   the whole value, exactly (a `_` or `%` is itself)
      in       one of the values of a `|`-separated list (`google|olark_chat`), exactly
      regex    a POSIX regular expression, case-insensitive (anchor with ^ and $)
      between  a number within `low..high`, both ends included, either end may be empty
               (`..10`, `1001..`); a value that is not a number matches nothing -#}
{% macro value_matches(value, match_type, match_value) -%}
    {%- set text = 'lower(coalesce(' ~ value ~ ", ''))" -%}
    {%- set number = try_cast_as(text, 'numeric') -%}
    {%- set low = try_cast_as(
        "nullif(" ~ dbt.split_part(match_value, "'..'", 1) ~ ", '')", 'numeric') -%}
    {%- set high = try_cast_as(
        "nullif(" ~ dbt.split_part(match_value, "'..'", 2) ~ ", '')", 'numeric') -%}
    (case {{ match_type }}
        when 'equals' then {{ text }} = {{ match_value }}
        when 'in' then {{ dbt.position(
            dbt.concat(["'|'", text, "'|'"]), dbt.concat(["'|'", match_value, "'|'"])) }} > 0
        when 'regex' then {{ regex_matches(
            text, dbt.concat(["'(?i)'", match_value]), literal=false) }}
        when 'between' then
            {{ number }} is not null
            and ({{ low }} is null or {{ number }} >= {{ low }})
            and ({{ high }} is null or {{ number }} <= {{ high }})
        else {{ text }} like {{ match_value }}
    end)
{%- endmacro %}

{#- A seed's match type and value as value_matches reads them: the type lower case, empty
    = `like`; the value lower case and trimmed with runs of whitespace as one space (like,
    equals), and for `in` without spaces around the `|`; a regex only trimmed (lower-casing
    would turn `\D` into `\d`: regex matching ignores case instead); a `between` range
    without any space. Renders two columns, match_type and match_value. -#}
{% macro normalized_match_columns(match_type, match_value) -%}
    {%- set type_key = "coalesce(nullif(" ~ normalize_key(match_type) ~ ", ''), 'like')" -%}
    {{ type_key }} as match_type,
    case {{ type_key }}
        when 'regex' then trim({{ match_value }})
        when 'between' then {{ regex_replace_all(match_value, '\\s+', '') }}
        when 'in' then {{ regex_replace_all(normalize_key(match_value), ' ?[|] ?', '|') }}
        else {{ normalize_key(match_value) }}
    end as match_value
{%- endmacro %}
