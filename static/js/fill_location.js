// Fills the latitude and longitude fields named by a [data-fill-location] button from the
// phone's geolocation.
document.querySelectorAll("[data-fill-location]").forEach((button) => {
  button.addEventListener("click", () => {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition((position) => {
      document.getElementById(button.dataset.latitude).value = position.coords.latitude.toFixed(6);
      document.getElementById(button.dataset.longitude).value = position.coords.longitude.toFixed(6);
    });
  });
});
