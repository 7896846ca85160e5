//! The dashboard's charts: grouped bar charts drawn on the server as SVG by `plotters`
//! (its SVG backend only), so they read without JavaScript and print. Each chart has
//! its numbers beside it as a table (the page), so the SVG itself is marked as an
//! image with a title and nothing in it needs to be read aloud.

use plotters::prelude::*;

/// The colours of up to four series (the portal's red, then amber, grey, green).
const COLOURS: [RGBColor; 4] = [
    RGBColor(0xb7, 0x1c, 0x1c),
    RGBColor(0xef, 0x6c, 0x00),
    RGBColor(0x75, 0x75, 0x75),
    RGBColor(0x2e, 0x7d, 0x32),
];

/// One named series of values, one per label.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<i64>,
}

/// A grouped bar chart: one group per label, one bar per series, with a legend. Empty
/// data draws an empty frame. Returns the SVG text (or why it could not be drawn).
pub fn bars(title: &str, labels: &[String], series: &[Series<'_>]) -> Result<String, String> {
    let n = labels.len().max(1);
    let k = series.len().clamp(1, COLOURS.len());
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let width = (120 + n * (18 * k + 14)).clamp(360, 960) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(48)
            // The top third stays free for the legend, which never covers a bar.
            .build_cartesian_2d(0f64..n as f64, 0f64..(max as f64 * 1.5))
            .map_err(|e| e.to_string())?;
        let label_of = |x: &f64| -> String {
            let i = x.floor() as usize;
            if (x - x.floor() - 0.5).abs() < 1e-6 {
                labels.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            // No faint lines between the labelled ones: thirty of them were half the
            // dashboard's bytes, and the bars are read against the labelled lines.
            .max_light_lines(0)
            .x_labels(n * 2 + 1)
            .x_label_formatter(&label_of)
            // Whole numbers only: a count of 1 gets ticks 0 and 1, not 0, 0.2, ….
            .y_labels((max as usize + 1).min(6))
            .y_label_formatter(&|y| {
                if (y - y.round()).abs() < 1e-9 {
                    format!("{}", y.round() as i64)
                } else {
                    String::new()
                }
            })
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(|e| e.to_string())?;
        let slot = 0.8 / k as f64;
        for (j, s) in series.iter().take(k).enumerate() {
            let colour = COLOURS[j];
            chart
                .draw_series(s.values.iter().enumerate().map(|(i, v)| {
                    let x0 = i as f64 + 0.1 + slot * j as f64;
                    Rectangle::new([(x0, 0.0), (x0 + slot * 0.9, *v as f64)], colour.filled())
                }))
                .map_err(|e| e.to_string())?
                .label(s.name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled())
                });
        }
        if k > 1 {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK)
                .label_font(("sans-serif", 12))
                .position(SeriesLabelPosition::UpperLeft)
                .draw()
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(accessible(svg, title))
}

/// Marks the SVG as one image named by its title, scaled to its box.
fn accessible(svg: String, title: &str) -> String {
    let title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    match svg.find("<svg") {
        Some(i) => {
            let close = svg[i..].find('>').map(|j| i + j).unwrap_or(i + 4);
            format!(
                "{}<svg role=\"img\" aria-label=\"{title}\" preserveAspectRatio=\"xMinYMin meet\"{}<title>{title}</title>{}",
                &svg[..i],
                &svg[i + 4..=close],
                &svg[close + 1..]
            )
        }
        None => svg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_chart_is_an_svg_image_with_its_labels() {
        let labels = vec!["2026-W47".to_string(), "2026-W48".to_string()];
        let svg = bars(
            "预约 <按周>",
            &labels,
            &[
                Series {
                    name: "已办理",
                    values: vec![3, 5],
                },
                Series {
                    name: "爽约",
                    values: vec![1, 0],
                },
            ],
        )
        .unwrap();
        assert!(svg.contains("<svg role=\"img\" aria-label=\"预约 &lt;按周&gt;\""));
        assert!(svg.contains("<title>预约 &lt;按周&gt;</title>"));
        assert!(svg.contains("2026-W48") && svg.contains("已办理") && svg.contains("爽约"));
        assert!(svg.matches("<rect").count() >= 4);
        // No data still draws a frame.
        assert!(bars(
            "空",
            &[],
            &[Series {
                name: "x",
                values: vec![]
            }]
        )
        .unwrap()
        .contains("<svg"));
    }
}
