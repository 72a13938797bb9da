// Tests render with Debian's chromium (/usr/bin/chromium): puppeteer must never download a
// browser of its own, whoever runs `npm ci` here.
module.exports = { skipDownload: true };
