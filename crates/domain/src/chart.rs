//! The geometry of the console's line charts: a value axis that ends on a round number, and
//! each series as an SVG path in the plot's own coordinates, with a gap where a value is
//! missing (a rate not shown for too few cases). The pages draw the SVG from these numbers
//! on the server like any other markup, so a chart needs no JavaScript and no font files.
//!
//! Plotting crates (plotters) measure text with a font of the machine; the labels here are
//! Chinese and the servers have no CJK fonts, so the few lines of geometry are our own.

/// The plot's frame in SVG user units: the whole box and the area inside the axes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

/// A small chart readable at 360 px wide: 360 × 200 units, room for the value labels on the
/// left and the month labels below.
pub const SMALL: Frame = Frame {
    width: 360.0,
    height: 200.0,
    left: 40.0,
    right: 12.0,
    top: 12.0,
    bottom: 28.0,
};

impl Frame {
    pub fn plot_width(&self) -> f64 {
        self.width - self.left - self.right
    }

    pub fn plot_height(&self) -> f64 {
        self.height - self.top - self.bottom
    }

    /// The x of the `index`-th of `count` points, spread from the left edge to the right.
    pub fn x(&self, index: usize, count: usize) -> f64 {
        if count <= 1 {
            return self.left + self.plot_width() / 2.0;
        }
        self.left + self.plot_width() * index as f64 / (count - 1) as f64
    }

    /// The y of `value` on an axis from 0 to `max` (0 at the bottom).
    pub fn y(&self, value: f64, max: f64) -> f64 {
        let share = if max > 0.0 {
            (value / max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.top + self.plot_height() * (1.0 - share)
    }
}

/// The axis maximum for values up to `max`: the next of 1, 2, 5 × 10ⁿ at or above it (at
/// least 1), so that the ticks fall on round numbers.
pub fn round_max(max: f64) -> f64 {
    if max.is_nan() || max <= 1.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|step| step * magnitude)
        .find(|candidate| *candidate >= max)
        .unwrap_or(10.0 * magnitude)
}

/// Five ticks from 0 to `max`, evenly spaced.
pub fn ticks(max: f64) -> Vec<f64> {
    (0..=4).map(|i| max * f64::from(i) / 4.0).collect()
}

/// A tick's label: whole numbers as they are, others with one decimal.
pub fn tick_label(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round() as i64)
    } else {
        format!("{value:.1}")
    }
}

/// The series as an SVG path (`M x y L x y …`) on an axis from 0 to `max`; a missing value
/// breaks the line and the next one starts a new piece. Empty when no value is there.
pub fn path(values: &[Option<f64>], max: f64, frame: &Frame) -> String {
    let mut path = String::new();
    let mut pen_down = false;
    for (index, value) in values.iter().enumerate() {
        match value {
            Some(value) => {
                let command = if pen_down { 'L' } else { 'M' };
                if !path.is_empty() {
                    path.push(' ');
                }
                let x = frame.x(index, values.len());
                let y = frame.y(*value, max);
                path.push_str(&format!("{command}{x:.1} {y:.1}"));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    path
}

/// The points of a series (for its markers): (x, y) of every value that is there.
pub fn points(values: &[Option<f64>], max: f64, frame: &Frame) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .filter_map(|(index, value)| value.map(|v| (frame.x(index, values.len()), frame.y(v, max))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_on_a_round_number() {
        assert_eq!(round_max(0.0), 1.0);
        assert_eq!(round_max(0.4), 1.0);
        assert_eq!(round_max(1.0), 1.0);
        assert_eq!(round_max(3.0), 5.0);
        assert_eq!(round_max(17.0), 20.0);
        assert_eq!(round_max(20.0), 20.0);
        assert_eq!(round_max(51.0), 100.0);
        assert_eq!(round_max(1234.0), 2000.0);
        assert_eq!(round_max(f64::NAN), 1.0);
        assert_eq!(ticks(20.0), vec![0.0, 5.0, 10.0, 15.0, 20.0]);
        assert_eq!(tick_label(5.0), "5");
        assert_eq!(tick_label(2.5), "2.5");
    }

    #[test]
    fn values_map_into_the_plot_area() {
        let frame = SMALL;
        assert_eq!(frame.x(0, 12), frame.left);
        assert_eq!(frame.x(11, 12), frame.width - frame.right);
        assert_eq!(frame.y(0.0, 10.0), frame.height - frame.bottom);
        assert_eq!(frame.y(10.0, 10.0), frame.top);
        assert_eq!(frame.y(20.0, 10.0), frame.top, "clamped to the frame");
        assert_eq!(frame.y(5.0, 0.0), frame.height - frame.bottom);
    }

    #[test]
    fn a_missing_value_breaks_the_line() {
        let frame = Frame {
            width: 140.0,
            height: 110.0,
            left: 20.0,
            right: 20.0,
            top: 10.0,
            bottom: 0.0,
        };
        let values = [Some(0.0), Some(10.0), None, Some(5.0), Some(10.0)];
        assert_eq!(
            path(&values, 10.0, &frame),
            "M20.0 110.0 L45.0 10.0 M95.0 60.0 L120.0 10.0"
        );
        assert_eq!(points(&values, 10.0, &frame).len(), 4);
        assert_eq!(path(&[None, None], 10.0, &frame), "");
    }
}
