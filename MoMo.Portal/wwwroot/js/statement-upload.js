// The Reconciliation page's statement upload: the chosen file goes to the server as the raw body of one HTTP request,
// so a 200 MB statement streams at network speed and the page can show how far it got. Blazor's own file upload would
// carry it through the circuit in small messages.
window.momoStatementUpload = {
  // Resolves with the server's answer ({ status, body }); status 0 when the request never completed.
  send(input, url, token, progress) {
    return new Promise((resolve) => {
      const file = input.files && input.files[0];
      if (!file) {
        resolve({ status: 0, body: "" });
        return;
      }

      const request = new XMLHttpRequest();
      request.open("POST", url + "&name=" + encodeURIComponent(file.name));
      request.setRequestHeader("Content-Type", "application/octet-stream");
      request.setRequestHeader("RequestVerificationToken", token);
      let reported = 0;
      request.upload.onprogress = (e) => {
        // A few updates a second are enough for a progress bar; every event would flood the circuit.
        const now = Date.now();
        if (e.lengthComputable && (now - reported > 200 || e.loaded === e.total)) {
          reported = now;
          progress.invokeMethodAsync("Progress", e.loaded, e.total);
        }
      };
      const done = (status, body) => {
        input.value = "";
        resolve({ status, body });
      };
      // A session that expired meanwhile is redirected to the sign-in page, which the request follows: say 401.
      request.onload = () => done(new URL(request.responseURL).pathname === new URL(url, document.baseURI).pathname ? request.status : 401,
        request.responseText);
      request.onerror = () => done(0, "");
      request.onabort = () => done(0, "");
      request.send(file);
    });
  },

  // The chosen file's name and size, to refuse a file over the limit before sending a byte of it.
  describe(input) {
    const file = input.files && input.files[0];
    return file ? { name: file.name, size: file.size } : null;
  },
};
