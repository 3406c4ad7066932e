; The Windows installer of 综窗: a per-machine install of the PyInstaller onedir folder, Start-menu entries for
; the production and the training profile, an uninstaller, and upgrade in place.
;
; Compiled by scripts/build.sh:
;   makensis -DSOURCE=dist\zongchuang -DVERSION=0.1.0 -DOUTFILE=dist\zongchuang-0.1.0-setup.exe installer\zongchuang.nsi
; Debian's makensis compiles the same script on Linux (CI does, to prove it builds).
;
; The workstation's data (database, materials, logs, settings) lives in each Windows account's own
; %LOCALAPPDATA%\Zongchuang, never in the program folder: an upgrade replaces the programs and keeps the
; data, and the uninstaller leaves the data for the district's retention rules to decide.

Unicode true
!include "MUI2.nsh"
!include "x64.nsh"

!ifndef SOURCE
  !error "SOURCE (the onedir folder built by PyInstaller) must be given: -DSOURCE=dist\zongchuang"
!endif
!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef OUTFILE
  !define OUTFILE "zongchuang-${VERSION}-setup.exe"
!endif
!ifndef COMPRESSOR
  !define COMPRESSOR "/SOLID lzma"       ; a release build; CI's proof that the script builds passes none
!endif
!ifndef NUMERIC_VERSION
  !define NUMERIC_VERSION "0.0.0.0"
!endif

!define PRODUCT "综窗"
!define KEY "Software\Zongchuang"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Zongchuang"

Name "${PRODUCT} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\Zongchuang"
RequestExecutionLevel admin
!if "${COMPRESSOR}" == "none"
  SetCompress off
!else
  SetCompressor ${COMPRESSOR}
!endif
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${NUMERIC_VERSION}"
VIAddVersionKey /LANG=2052 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=2052 "FileDescription" "${PRODUCT} 综合窗口工作站 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "CompanyName" "Zongchuang"
VIAddVersionKey /LANG=2052 "LegalCopyright" "Zongchuang"

!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\zongchuang.exe"
!define MUI_FINISHPAGE_RUN_TEXT "启动综窗（首次运行时打开设置向导）"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "综窗需要 64 位 Windows 10 或更新的版本。"
    Abort
  ${EndIf}
  SetRegView 64
  ; An upgrade goes where the last version went.
  ReadRegStr $0 HKLM "${KEY}" "InstallDir"
  StrCmp $0 "" +2
    StrCpy $INSTDIR $0
  ; One copy of the installer at a time.
  System::Call 'kernel32::CreateMutex(p 0, i 0, t "ZongchuangSetup") p .r0 ?e'
  Pop $0
  StrCmp $0 0 +3
    MessageBox MB_ICONSTOP "安装程序已在运行。"
    Abort
FunctionEnd

Section "综窗" SecMain
  SectionIn RO
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  ; Upgrade in place: the old programs go first, so no library of the previous version stays behind.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\zongchuang*.exe"
  File /r "${SOURCE}\*"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "${KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${KEY}" "Version" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT} 综合窗口工作站"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "Zongchuang"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\zongchuang.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1

  CreateDirectory "$SMPROGRAMS\综窗"
  CreateShortCut "$SMPROGRAMS\综窗\综窗.lnk" "$INSTDIR\zongchuang.exe" "" "$INSTDIR\zongchuang.exe" 0
  CreateShortCut "$SMPROGRAMS\综窗\综窗（培训）.lnk" "$INSTDIR\zongchuang.exe" "--profile training" \
    "$INSTDIR\zongchuang.exe" 0
  ; A shortcut starts in the current output folder: the command prompt opens in the program folder.
  CreateShortCut "$SMPROGRAMS\综窗\综窗 命令提示符.lnk" "$SYSDIR\cmd.exe" "/k zongchuang-cli.exe --help"
  CreateShortCut "$SMPROGRAMS\综窗\卸载综窗.lnk" "$INSTDIR\uninstall.exe"
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  SetRegView 64
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\zongchuang*.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  RMDir /r "$SMPROGRAMS\综窗"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "${KEY}"
  ; The data in each account's %LOCALAPPDATA%\Zongchuang stays: cases under retention are not the
  ; uninstaller's to delete.
SectionEnd
