{#- Keyword matching that gives the same answer on DuckDB and PostgreSQL,
    non-ASCII text included. Regular-expression dialects, lower() and word
    boundaries differ between the engines (and lower() depends on the
    server's locale), so the text is normalised with translate() only:
    ASCII and Latin-1/Welsh capitals become small letters, every ASCII
    punctuation mark, control whitespace and common Unicode space, dash and
    quote becomes a space, runs of spaces collapse to one, and the result is
    padded with a space at each end. A keyword or phrase, normalised the same
    way, is then a whole word or phrase exactly when ' keyword ' occurs in
    the padded text. -#}

{% macro _keyword_translate_pairs() -%}
    {%- set upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞŴŶ' -%}
    {%- set lower = 'abcdefghijklmnopqrstuvwxyzàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþŵŷ' -%}
    {%- set breaks = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'
        ~ '\u00a0\u00a1\u00ab\u00b7\u00bb\u00bf'
        ~ '\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a'
        ~ '\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201a\u201b'
        ~ '\u201c\u201d\u201e\u201f\u2022\u2026\u202f\u205f\u3000' -%}
    {%- set from_chars = upper ~ breaks -%}
    {%- set to_chars = lower ~ (' ' * (breaks | length)) -%}
    {%- if (from_chars | length) != (to_chars | length) -%}
        {{ exceptions.raise_compiler_error('keyword translate pairs differ in length') }}
    {%- endif -%}
    {{- return([from_chars, to_chars]) -}}
{%- endmacro %}

{#- A SQL string literal; control characters go through chr() so the
    compiled SQL stays printable. -#}
{% macro _sql_literal(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{#- Normalised, space-padded text of one expression (NULL gives ' '). -#}
{% macro normalise_for_keywords(expression) -%}
    {%- set pairs = _keyword_translate_pairs() -%}
    {%- set controls = "chr(9) || chr(10) || chr(11) || chr(12) || chr(13)" -%}
    ' ' || trim(regexp_replace(
        translate(
            coalesce({{ expression }}, ''),
            {{ _sql_literal(pairs[0]) }} || {{ controls }},
            {{ _sql_literal(pairs[1]) }} || '     '
        ),
        ' +', ' ', 'g'
    )) || ' '
{%- endmacro %}

{#- Several fields searched at once: a '|' between them stops a phrase from
    matching across the end of one field and the start of the next. -#}
{% macro keyword_search_text(expressions) -%}
    {%- for expression in expressions -%}
        {{ normalise_for_keywords(expression) }}{% if not loop.last %} || '|' || {% endif %}
    {%- endfor -%}
{%- endmacro %}

{#- Remove every excluded phrase. Replacing twice catches back-to-back
    occurrences, which share a space that the first pass consumed. -#}
{% macro remove_keyword_exclusions(search_text, exclusions=none) -%}
    {%- set exclusions = var('missing_keyword_exclusions') if exclusions is none else exclusions -%}
    {%- set ns = namespace(sql=search_text) -%}
    {%- for phrase in exclusions -%}
        {%- set pattern = normalise_for_keywords(_sql_literal(phrase)) -%}
        {%- set ns.sql = 'replace(replace(' ~ ns.sql ~ ', ' ~ pattern ~ ", ' '), " ~ pattern ~ ", ' ')" -%}
    {%- endfor -%}
    {{ ns.sql }}
{%- endmacro %}

{#- The first keyword, in the criteria's order, found as a whole word or
    phrase; NULL when none is. -#}
{% macro first_matched_keyword(search_text, keywords=none) -%}
    {%- set keywords = var('missing_keywords') if keywords is none else keywords -%}
    {%- if keywords | length == 0 -%}
    cast(null as text)
    {%- else -%}
    case
        {%- for keyword in keywords %}
            when strpos({{ search_text }}, {{ normalise_for_keywords(_sql_literal(keyword)) }}) > 0
                then {{ _sql_literal(keyword) }}
        {%- endfor %}
    end
    {%- endif -%}
{%- endmacro %}
