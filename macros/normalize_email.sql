{#- An e-mail address as staging compares it: the invisible characters that copy-paste and
    CRM forms leave inside or around an address removed (tab, line feed, carriage return,
    no-break space U+00A0, zero-width space / non-joiner / joiner U+200B-U+200D, word
    joiner U+2060, byte order mark U+FEFF), then trimmed and lower-cased; empty -> null.
    A plain space inside the address is kept (`john smith@x.com` stays malformed). The
    characters are written as chr(code point) so the SQL carries no invisible text and no
    backslash. Dispatched: Spark's chr() only covers code points below 256, so Spark needs
    its own version (below). -#}
{% macro normalize_email(expression) -%}
    {{ return(adapter.dispatch('normalize_email', 'lead_scoring')(expression)) }}
{%- endmacro %}

{#- The code points normalize_email removes, listed above (one list for every engine). -#}
{% macro invisible_email_code_points() -%}
    {{ return([9, 10, 13, 160, 8203, 8204, 8205, 8288, 65279]) }}
{%- endmacro %}

{% macro default__normalize_email(expression) -%}
    {%- set invisible = invisible_email_code_points() -%}
    {%- set characters = [] -%}
    {%- for code_point in invisible -%}
        {%- do characters.append('chr(' ~ code_point ~ ')') -%}
    {%- endfor -%}
    nullif(lower(trim(translate(
        cast({{ expression }} as {{ dbt.type_string() }}), {{ characters | join(' || ') }}, ''
    ))), '')
{%- endmacro %}

{#- Spark: chr() wraps code points above 255 (chr(8203) is chr(11)), so the characters
    are written as Spark's unicode escapes in one string literal. And Spark's lower() is
    Java's full Unicode case mapping, which lower-cases the dotted capital I (U+0130, as
    in `İstanbul`) to two characters, i and a combining dot; DuckDB and PostgreSQL give a
    plain i. The same translate() maps U+0130 to i first (the one unconditional mapping
    where the two differ; a final Greek sigma, lower-cased by context in Java, is not
    handled). -#}
{% macro spark__normalize_email(expression) -%}
    {%- set invisible = invisible_email_code_points() -%}
    {%- set escapes = [] -%}
    {%- for code_point in invisible -%}
        {%- do escapes.append('\\u%04x' | format(code_point)) -%}
    {%- endfor -%}
    nullif(lower(trim(translate(
        cast({{ expression }} as string), '\u0130{{ escapes | join('') }}', 'i'
    ))), '')
{%- endmacro %}

{#- True when a normalized e-mail (normalize_email) is a valid address: a local part, `@`,
    and a domain of dot-separated labels ending in a top-level domain of two or more
    letters. Letters outside ASCII are valid anywhere (`zoë@…`, `café@…`, an IDN domain
    such as `@İstanbul-örnek.com.tr`); a space, a second `@`, an empty label or a missing
    domain are not (`john smith@x.com`, `jane@`, `jane.x.com`, `a@b`). The pattern has no
    backslash and no quote (Spark string literals treat backslashes as escapes):
    `[^ -~]` is any character outside printable ASCII (space to tilde), and `[^ -&(-~]` is
    that or the apostrophe (between `&` and `(`), allowed in the local part (`o'neil@…`).
    Null for a null e-mail. -#}
{% macro is_valid_email(expression) -%}
    {{ regex_matches(
        expression,
        "^([a-z0-9._%+-]|[^ -&(-~])+@(([a-z0-9-]|[^ -~])+[.])+([a-z]|[^ -~]){2,}$"
    ) }}
{%- endmacro %}
