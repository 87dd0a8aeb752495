//! Trend charts as SVG, drawn on the server with plotters' SVG backend: no
//! JavaScript, no fonts on the server (the browser draws the axis numbers).
//! The chart only shows lines and axes; the legend and the numbers are in the
//! page beside it as HTML, so they are translated, readable by screen
//! readers and printable. A suppressed point is left out and its line broken
//! there: drawing it would give its value away.

use plotters::prelude::*;

/// The series' colours, in order; the legend uses the same (`css_color`).
const COLOURS: [(u8, u8, u8); 6] = [
    (31, 94, 140),
    (196, 98, 16),
    (46, 125, 50),
    (142, 36, 170),
    (183, 28, 28),
    (84, 110, 122),
];

pub fn css_color(i: usize) -> String {
    let (r, g, b) = COLOURS[i % COLOURS.len()];
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The axis labels' size as plotters takes it (it draws about 0.8 of it in
/// the picture's own units: ~15 of 480, 11 px on a phone; see `lines`).
const LABEL_SIZE: u32 = 19;

/// One line: a value per year, `None` where it is not published.
pub struct Series {
    pub points: Vec<(i32, Option<i64>)>,
}

/// A line chart of the series over the years, as an SVG element.
pub fn lines(series: &[Series], years: &[i32], title: &str) -> String {
    let mut svg = String::new();
    let first = years.iter().copied().min().unwrap_or(2020);
    let last = years.iter().copied().max().unwrap_or(first).max(first + 1);
    let top = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|(_, v)| *v))
        .max()
        .unwrap_or(0)
        .max(4);
    // Headroom of a tenth, rounded up to a multiple of five.
    let top = ((top + top / 10) / 5 + 1) * 5;
    {
        // Drawn small and scaled by the page: at a phone's 358 px the axis
        // labels are 11 px, at half a laptop's page about 17 px.
        let root = SVGBackend::with_string(&mut svg, (480, 240)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(10)
                .x_label_area_size(26)
                .y_label_area_size(44)
                .build_cartesian_2d(first..last, 0i64..top)?;
            chart
                .configure_mesh()
                .x_labels((last - first + 1) as usize)
                .y_labels(5)
                .x_label_formatter(&|y| y.to_string())
                .label_style(("sans-serif", LABEL_SIZE))
                .light_line_style(RGBColor(238, 238, 238))
                .draw()?;
            for (i, s) in series.iter().enumerate() {
                let (r, g, b) = COLOURS[i % COLOURS.len()];
                let colour = RGBColor(r, g, b);
                // Runs of published points, each drawn as its own line.
                let mut run: Vec<(i32, i64)> = Vec::new();
                let mut runs: Vec<Vec<(i32, i64)>> = Vec::new();
                for (year, value) in &s.points {
                    match value {
                        Some(v) => run.push((*year, *v)),
                        None => runs.push(std::mem::take(&mut run)),
                    }
                }
                runs.push(run);
                for run in runs.into_iter().filter(|r| !r.is_empty()) {
                    chart.draw_series(LineSeries::new(run.clone(), colour.stroke_width(2)))?;
                    chart
                        .draw_series(run.into_iter().map(|p| Circle::new(p, 3, colour.filled())))?;
                }
                // A year not published is marked on the axis, hollow, so the
                // line visibly stops for a reason (the page's note says it)
                // and nothing of its value shows.
                chart.draw_series(
                    s.points
                        .iter()
                        .filter(|(_, v)| v.is_none())
                        .map(|(year, _)| Circle::new((*year, 0), 4, colour.stroke_width(2))),
                )?;
            }
            root.present()?;
            Ok(())
        })();
        if drawn.is_err() {
            return String::new();
        }
    }
    // Name the picture for assistive technology; the table beside it holds
    // the numbers.
    let label = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{label}\" class=\"chart\" preserveAspectRatio=\"xMidYMid meet\" "),
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_colours_in_the_stylesheet_are_the_charts_colours() {
        let css = include_str!("../../static/korgoo.css");
        for i in 0..COLOURS.len() {
            let rule = format!(".swatch-{i} {{ background: {}; }}", css_color(i));
            assert!(css.contains(&rule), "{rule}");
        }
    }

    #[test]
    fn a_chart_is_an_svg_with_a_line_per_run_and_no_point_for_a_suppressed_year() {
        let svg = lines(
            &[Series {
                points: vec![
                    (2021, Some(10)),
                    (2022, None),
                    (2023, Some(30)),
                    (2024, Some(20)),
                ],
            }],
            &[2021, 2022, 2023, 2024],
            "Children <identified>",
        );
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label=\"Children &lt;identified&gt;\""),
            "{svg}"
        );
        let ours = |tag: &str| {
            svg.lines()
                .filter(|l| l.starts_with(tag) && l.contains("#1F5E8C"))
                .count()
        };
        let filled = svg
            .lines()
            .filter(|l| l.starts_with("<circle") && l.contains("fill=\"#1F5E8C\""))
            .count();
        assert_eq!(filled, 3, "three published points");
        assert_eq!(ours("<polyline"), 2, "the line breaks at 2022");
        // The year not published is a hollow mark on the axis, below every
        // point: it says "not shown" and nothing of the value.
        let cy = |l: &str| -> f64 {
            let at = l.find("cy=\"").unwrap() + 4;
            l[at..].split('"').next().unwrap().parse().unwrap()
        };
        let hollow: Vec<&str> = svg
            .lines()
            .filter(|l| {
                l.starts_with("<circle") && l.contains("#1F5E8C") && l.contains("fill=\"none\"")
            })
            .collect();
        assert_eq!(hollow.len(), 1, "{svg}");
        let lowest = svg
            .lines()
            .filter(|l| l.starts_with("<circle") && l.contains("fill=\"#1F5E8C\""))
            .map(cy)
            .fold(f64::MIN, f64::max);
        assert!(
            cy(hollow[0]) > lowest,
            "on the axis, below the published points"
        );
        // Labels are large enough to read once scaled to a phone's 358 px:
        // at least 11 px there.
        let sizes: Vec<f64> = svg
            .split("font-size=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
            .collect();
        assert!(!sizes.is_empty());
        for size in sizes {
            assert!(size * 358.0 / 480.0 >= 11.0, "font-size {size}");
        }
    }
}
