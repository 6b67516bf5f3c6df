from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template, or None."""
    return mapping.get(key) if mapping else None


@register.simple_tag
def range_dot(dot, levels=6):
    """One paper's recommendation as an inline SVG: the mean as a dot on the range of its scores,
    the numbers and the confidence beside it (the compact column of the decision dashboard).

    Written as a tag rather than an include: a dashboard draws thousands of them."""
    if dot is None:
        return mark_safe('<span class="muted">No score</span>')
    confidence = format_html(" · conf. {}", dot.confidence) if dot.confidence else ""
    badge = mark_safe(' <span class="badge bad">disagree</span>') if dot.disagree else ""
    return format_html(
        '<span class="range-dot{}"><svg viewBox="0 0 {} 14" role="img" '
        'aria-label="Mean {}, scores {} to {} of {}">'
        '<line class="track" x1="6" x2="{}" y1="7" y2="7"/>'
        '<line class="range" x1="{}" x2="{}" y1="7" y2="7"/>'
        '<circle class="dot" cx="{}" cy="7" r="4"/></svg>'
        "<span>{} ({}–{}, n={}){}{}</span></span>",
        " disagree" if dot.disagree else "",
        dot.width,
        dot.mean,
        dot.low,
        dot.high,
        levels,
        dot.width - 6,
        dot.low_x,
        dot.high_x,
        dot.dot_x,
        dot.mean,
        dot.low,
        dot.high,
        dot.count,
        confidence,
        badge,
    )
