//! `server` serves Minsheng; `server demo --residents N` regenerates the demo data set;
//! `server case NUMBER ACTION` acts on an application as staff; `server staff add` creates a
//! staff account (the only way to the first administrator: there are no default accounts).
fn main() -> anyhow::Result<()> {
    server::cli::run()
}
